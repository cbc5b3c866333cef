MsgClear("NewDay")
-- assigning nil to OnMsg adds nothing and clears nothing
OnMsg.ClassesBuilt = nil
