package sectors

import "modscope/engine"

// stepDocs say what each loading step does in the game and why, for
// people learning the load order (the window shows them under the
// stepper: engine.WindowSpec.StepDocs).
var stepDocs = []engine.StepDoc{
	{Step: StepServer, Text: "The server context starts and runs the base mod's server.lua and every mod's: the game's server state, shared by all sectors."},
	{Step: StepGenerator, Text: "The galaxy generator runs the callbacks the mods registered: on_start(seed), on_galaxy_created and on_end(galaxy) on a new save, on_skipped(galaxy) when the galaxy exists already (a reload)."},
	{Step: StepStarted, Text: "The server_started event fires in the server context: handlers registered by the mods set up the universe. Sectors get their own contexts when players enter them."},
	{Step: StepRejoin, Text: "After a reload the players who were logged in log in again, in the order they joined, and go back to their sectors: each sector gets a new context."},
	// Names no entry lists, by their shape.
	{Match: `[Ss]ector .*`, Text: "A sector context starts and runs the sector scripts of every mod."},
	{Match: `.*_.*`, Text: "The event ${0} fires: the handlers registered for it run."},
}
