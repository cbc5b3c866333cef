loop_started = true
while true do
end
