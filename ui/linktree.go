package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// linkRows are the rows of a link tree: each id's children, text, and the
// file:line it opens ("" for none). The Registries and Conflicts tabs
// embed them.
type linkRows struct {
	kids  map[string][]string
	text  map[string]string
	where map[string]string
}

// newLinkTree is a tree of rows's text: a row with a file:line shows as a
// link and opens it when selected, a row with children opens or closes.
// importance (may be nil) styles a row without a link.
func newLinkTree(u *App, rows *linkRows, importance func(id string) widget.Importance) *fkTree {
	var t *fkTree
	t = newFKTree(u,
		func(id string) []string { return rows.kids[id] },
		func(id string) bool { return len(rows.kids[id]) > 0 || id == "" },
		func(bool) fyne.CanvasObject {
			l := widget.NewLabel("row")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id string, _ bool, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.SetText(rows.text[id])
			switch {
			case rows.where[id] != "":
				l.Importance = widget.HighImportance
			case importance != nil:
				l.Importance = importance(id)
			default:
				l.Importance = widget.MediumImportance
			}
			l.Refresh()
		})
	t.OnSelected = func(id string) {
		if w := rows.where[id]; w != "" {
			u.GotoWhere(w)
		} else if len(rows.kids[id]) > 0 {
			t.ToggleBranch(id)
		}
		t.UnselectAll()
	}
	return t
}
