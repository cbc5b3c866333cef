loop_started = true
repeat until false
