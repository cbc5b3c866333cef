// Package scripts implements the `scripts` context model (see ENGINE.md §4):
// scripts attached to entities, grouped into contexts by a policy, after
// bevy_mod_scripting's context policies.
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
// Lifecycle. Attaching a pair whose key has no context creates it (loading),
// sets context_key, runs the context initializer, the script file and
// on_script_loaded(), then makes it active. Attaching to an existing context
// adds a resident and runs that script's file (and on_script_loaded) again.
// Detaching calls on_script_unloaded() and removes the resident; the last
// resident's leaving unloads the context (unloading, then unloaded).
// Reloading (reload FILE, edit FILE, plain reload for all) sets reloading,
// calls on_script_unloaded() for each affected resident, runs the context
// initializer once, then for each resident its file again and
// on_script_reloaded(value), value being a plain copy of what
// on_script_unloaded returned.
//
// Callbacks are delivered per attachment, as the game does: `callback
// on_update 0.016` calls on_update once for every attachment, in the
// attachment's context; a context holding three attachments handles it
// three times. The global `attachment` ({entity=, script=}) says which
// attachment a callback (or a running file) is for, while `context_key`
// describes the context's own key. Before every callback a context handles
// (on_script_loaded and friends included) the pre-handling initializer runs.
// register_callback(name, fn) registers fn for the script that is running;
// it wins over a global function of the same name, survives reloads, and is
// forgotten when the script's last attachment leaves the context. Each
// delivery is a MessageRecord whose Target is the attachment.
//
// Changing the policy (policy NAME or policy ["rule", ...]) regroups every
// attachment live: contexts whose residents stay together under the same
// name are kept; the others unload and their attachments load again, in
// attach order, into the contexts the new policy selects. The result's
// Changes says which new contexts were created, merged (residents from two
// or more old contexts) or split (carved from an old context that now spans
// several), and which old names were removed.
package scripts
