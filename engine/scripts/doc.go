// Package scripts implements the `scripts` context model: scripts attached
// to entities, grouped into contexts by a policy, with the lifecycle of
// bevy_mod_scripting (BMS) v0.21 as its source has it (docs/scripts.md
// lists each rule with the BMS source it follows).
//
// A game folder is a scripts game when it has scene.toml (entities, their
// scripts, static scripts, the policy, and the initializer snippets). Every
// (entity, script) pair is an attachment; the policy's first matching rule
// gives the attachment's context key, and the key gives the context's name:
// shared, entity:<id>, script:<path>, entity:<id>/script:<path>.
//
// Steps: one per entity in scene order ("Entity 1 (door)"), attaching its
// scripts in list order, then "Static scripts".
//
// Lifecycle. Attaching a pair whose key has no context creates it
// (loading) and loads the pair: the context initializers, the pre-handling
// initializers and the file, then on_script_loaded; the context becomes
// active. Attaching a pair to a loaded context — a second attachment
// joining it, or a pair attached again — is a reload for that pair:
// on_script_unloaded, initializers, pre-handling, the file,
// on_script_loaded, on_script_reloaded(state). A hot reload (edit FILE,
// reload FILE) reloads each attachment of the file that way, one after
// another. The state is what on_script_unloaded returned after BMS's
// script-value round trip (value.go). A failed first load leaves the
// context loading for good: no on_script_loaded, and later attachments for
// it are ignored; a failed reload leaves it active. Detaching calls
// on_script_unloaded; the last resident's leaving removes the context. A
// pair no rule matches is loaded, called and dropped with a warning.
//
// Globals: BMS's (globals.go) — world, register_callback, types (stand-ins),
// entity (entity attachments only, so it is stale in a shared context for a
// static script's callbacks) and script_asset. The initializer snippets get
// the attachment as `...` ({entity=, script=}).
//
// Callbacks are delivered per attachment: `callback on_update 0.016` calls
// on_update once for every resident of every loaded context, `callback
// contexts NAME` once per context. A register_callback registration is
// keyed by the attachment that was running and wins over a global function;
// otherwise the pre-handling initializers run and then the global function,
// if any. Every delivery goes into the context's call log (Registries:
// lifecycle, calls, callbacks).
//
// Changing the policy live (policy NAME or policy ["rule", ...]) is
// modscope's own: BMS fixes the policy when the app is built. It regroups
// every attachment: contexts whose residents stay together under the same
// name are kept; the others unload and their attachments are attached
// again, in attach order, under the new policy. The result's Changes says
// which new contexts were created, merged or split, and which were removed.
package scripts
