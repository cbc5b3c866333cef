-- ...and this one does not (Platform.console is not set). Try adding "console"
-- to the platform list in modscope.toml and run again.
KeyBindings = { pause = "Start" }
