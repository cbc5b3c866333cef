Trace[#Trace + 1] = "User: Generated.lua (outside Code/: first)"
