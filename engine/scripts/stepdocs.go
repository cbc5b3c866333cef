package scripts

import "modscope/engine"

// stepDocs say what each loading step does, for people learning the load
// order (the window shows them under the stepper:
// engine.WindowSpec.StepDocs). The steps are the scene's entities, then
// its static scripts.
var stepDocs = []engine.StepDoc{
	{Step: StepStatic, Text: "The static scripts run (not attached to an entity): under the shared policy they see every entity script's globals; under per-script or per-entity policies they run alone."},
	{Step: stepEmptyScene, Text: "The scene attaches no script, so nothing runs: attach one with attach ENTITY SCRIPT (or list scripts in " + SceneFile + ")."},
	{Match: `Entity .*`, Text: "An entity's scripts run in the context the policy gives it (one per entity, per script, or shared): what they define is visible only in that context."},
}

// rowViews say how the window shows the model's registry rows (Registries
// in lifecycle.go): the selected context's call log by callback, the
// register_callback registrations by attachment, the contexts' lifecycle,
// the attachments, then the policy with its note.
var rowViews = []engine.RowsSpec{
	{
		Kind:    "calls",
		Title:   "Call log of {{.context}} ({{.n}})",
		Context: "context", SortBy: "seq", GroupBy: "callback",
		Group: "{{.group}} ({{.n}} call{{plural .n}})",
		Line: "#{{int .seq}}{{with str .attachment}} · for {{.}}{{end}}" +
			`{{with str .via}}{{if eq . "registered"}} · via register_callback{{else if eq . "global"}} · via the global function{{else}} · {{.}}{{end}}{{end}} · ` +
			`{{if and (eq (str .via) "not defined") .ok (not (str .result))}}nothing ran{{else if str .error}}error: {{first (str .error)}}{{else if .ok}}ok{{with str .result}} → {{.}}{{end}}{{else}}failed{{end}}` +
			"{{with str .step}} · [{{.}}]{{end}}",
		Open: true,
	},
	{
		Kind:    "callbacks",
		Title:   "Callbacks per attachment ({{.n}} registered by {{.groups}} attachments)",
		GroupBy: "attachment", Group: "{{.group}} ({{.n}})",
		Line:  "{{str .name}}   {{str .where}}{{with str .context}}   · in {{.}}{{end}}",
		Where: "where",
	},
	{
		Kind:  "lifecycle",
		Title: "Lifecycle ({{.n}} contexts)",
		Line: "{{str .context}} — {{str .state}}{{with count .residents}} · {{.}} resident{{plural .}}{{end}}" +
			" · {{int .calls}} call{{plural (int .calls)}}{{with str .reason}} · {{upto . \". BMS\"}}{{end}}",
	},
	{
		Kind:  "attachments",
		Title: "Attachments ({{.n}})",
		Line: "{{with str .entity}}entity {{.}}{{with str $.entity_name}} ({{.}}){{end}}{{else}}static{{end}}" +
			" · {{str .script}}{{with str .context}} → {{.}}{{end}}{{with str .status}} · {{.}}{{end}}",
	},
	{
		Kind:   "policy",
		Line:   "Policy: {{str .policy}}{{with str .rules}} · rules: {{.}}{{end}}",
		Detail: "{{str .note}}",
	},
}

// The rows that say why a context is stuck loading (a failed first load:
// the reason's first sentence fits a line), and the policy's note.
var (
	stuckRows = engine.StuckRows{Kind: "lifecycle", Context: "context", Reason: "reason", Cut: ". BMS"}
	noteRow   = engine.RowNote{Kind: "policy", Line: "{{with str .note}}Now {{str $.policy}}. Note: {{.}}.{{end}}"}
)
