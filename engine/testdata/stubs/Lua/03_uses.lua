-- Uses what 02_broken.lua would have defined: these errors follow from it.
function OnMsg.ClassesBuilt()
	PlayJingle()
end
DefineClass.Radio = { __parents = { "Jingle" } }
