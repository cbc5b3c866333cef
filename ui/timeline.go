package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"modscope/engine"
	"modscope/ui/control"
)

// tlRow is one row of the load-order timeline: a step (or a command that
// ran Lua) or one file it ran.
type tlRow struct {
	step     bool
	kind     string // step kind: "step" or the command's op
	name     string
	context  string
	start    float64 // ms since the first row started
	ms       float64
	files    int
	errors   int
	fatal    bool
	err      string
	messages []string
}

// timelineRows lays the report's steps and files out in time.
func timelineRows(r engine.Report, withFiles bool) (rows []tlRow, total float64) {
	t := 0.0
	for _, st := range r.Steps {
		row := tlRow{step: true, kind: st.Kind, name: st.Name, start: t, ms: st.Ms, files: len(st.Files),
			errors: st.Errors, fatal: st.Fatal, messages: st.Messages}
		rows = append(rows, row)
		if withFiles {
			ft := t
			for _, f := range st.Files {
				rows = append(rows, tlRow{name: f.Path, context: f.Context, start: ft, ms: f.Ms, err: f.Error})
				ft += f.Ms
			}
		}
		t += st.Ms
	}
	return rows, t
}

// barLayout places its single object at [start, start+width) of the width,
// as fractions, and centred vertically.
type barLayout struct{ start, width float64 }

func (l *barLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(60, 14) }

func (l *barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(l.start) * size.Width
	w := float32(l.width) * size.Width
	if w < 2 {
		w = 2
	}
	if x+w > size.Width {
		x = size.Width - w
	}
	h := size.Height * 0.55
	for _, o := range objs {
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(w, h))
	}
}

// columnsLayout places its objects side by side, each taking a fixed
// fraction of the width (the rest of a row's height centred).
type columnsLayout []float32

func (l columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(len(objs))*60, h)
}

func (l columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		w := size.Width / float32(len(objs))
		if i < len(l) {
			w = size.Width * l[i]
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

// timelineView draws the steps and files in load order with their times
// and errors, and exports the picture as a PNG.
type timelineView struct {
	u         *App
	rows      []tlRow
	total     float64
	withFiles bool
	list      *fkList
	head      *widget.Label
	obj       fyne.CanvasObject
}

func newTimelineView(u *App) *timelineView {
	v := &timelineView{u: u, withFiles: true}
	v.head = widget.NewLabel("Nothing has run yet.")
	v.head.Truncation = fyne.TextTruncateEllipsis
	v.list = newFKList(u, func() int { return len(v.rows) },
		func() fyne.CanvasObject {
			name := widget.NewLabel("step name")
			name.Truncation = fyne.TextTruncateEllipsis
			info := widget.NewLabel("0 ms")
			info.SizeName = theme.SizeNameCaptionText
			info.Truncation = fyne.TextTruncateEllipsis
			bar := canvas.NewRectangle(colBar)
			bar.CornerRadius = 3
			track := container.New(&barLayout{}, bar)
			// fixed columns, so that every row's bar is on the same time axis
			return container.New(columnsLayout{0.32, 0.38, 0.30}, name, track, info)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(v.rows) {
				return
			}
			r := v.rows[i]
			g := o.(*fyne.Container)
			name := g.Objects[0].(*widget.Label)
			track := g.Objects[1].(*fyne.Container)
			info := g.Objects[2].(*widget.Label)
			bar := track.Objects[0].(*canvas.Rectangle)
			if r.step {
				name.TextStyle = fyne.TextStyle{Bold: true}
				name.SetText(r.name)
			} else {
				name.TextStyle = fyne.TextStyle{}
				name.SetText("    " + r.name)
			}
			name.Importance = widget.MediumImportance
			bar.FillColor = colBar
			if r.step && r.kind != "step" {
				bar.FillColor = colBarMsg
			}
			if r.errors > 0 || r.err != "" || r.fatal {
				bar.FillColor = colBarErr
				name.Importance = widget.DangerImportance
			}
			name.Refresh()
			bar.Refresh()
			l := track.Layout.(*barLayout)
			if v.total > 0 {
				l.start, l.width = r.start/v.total, r.ms/v.total
			} else {
				l.start, l.width = 0, 0
			}
			track.Refresh()
			info.SetText(rowInfo(r))
		})
	v.list.OnSelected = func(i widget.ListItemID) {
		if i < len(v.rows) && !v.rows[i].step {
			if p, ok := u.ctl.ResolvePath(v.rows[i].name); ok {
				line := 0
				if _, l, ok := control.SplitWhere(v.rows[i].err); ok {
					line = l
				}
				u.editor.open(p, line)
			}
		}
		v.list.UnselectAll()
	}
	files := newFKCheck(u, "Files", func(on bool) { v.withFiles = on; v.refresh() })
	files.SetChecked(true)
	export := widget.NewButtonWithIcon("Export PNG…", theme.DownloadIcon(), v.export)
	v.obj = container.NewBorder(container.NewBorder(nil, nil, nil, container.NewHBox(files, export), v.head), nil, nil, nil, v.list)
	return v
}

func rowInfo(r tlRow) string {
	parts := []string{fmtMs(r.ms)}
	if r.step {
		parts = append(parts, fmt.Sprintf("%d files", r.files))
		if r.errors > 0 {
			parts = append(parts, fmt.Sprintf("%d errors", r.errors))
		}
		if r.fatal {
			parts = append(parts, "fatal")
		}
		if len(r.messages) > 0 {
			m := r.messages
			if len(m) > 3 {
				m = append(m[:3:3], "…")
			}
			parts = append(parts, "Msg "+strings.Join(m, ", "))
		}
	} else {
		if r.context != "" {
			parts = append(parts, r.context)
		}
		if r.err != "" {
			parts = append(parts, "error: "+firstLine(r.err))
		}
	}
	return strings.Join(parts, " · ")
}

func (v *timelineView) refresh() {
	v.rows, v.total = timelineRows(v.u.ctl.Report, v.withFiles)
	files := v.u.ctl.Report.Files
	if len(v.rows) == 0 {
		v.head.SetText("Nothing has run yet: Step (F10) or Run all (F5).")
	} else {
		v.head.SetText(fmt.Sprintf("Load order: %d steps and commands · %d files ok, %d failed · %s in Lua",
			countSteps(v.rows), files.OK, files.Failed, fmtMs(v.total)))
	}
	v.list.Refresh()
}

func countSteps(rows []tlRow) int {
	n := 0
	for _, r := range rows {
		if r.step {
			n++
		}
	}
	return n
}

// export asks where to save the timeline as a PNG.
func (v *timelineView) export() {
	if len(v.u.ctl.Report.Steps) == 0 {
		dialog.ShowInformation("Export timeline", "Nothing has run yet: there is no timeline to export.", v.u.win)
		return
	}
	data, err := v.PNG()
	if err != nil {
		dialog.ShowError(err, v.u.win)
		return
	}
	v.u.saveDialog("Export timeline as PNG", filepath.Base(v.u.ctl.Dir)+"-timeline.png", func(p string) error {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("export timeline: %w", err)
		}
		v.u.ctl.SetStatus("Exported the timeline to " + p)
		v.u.refreshHeader()
		return nil
	})
}

// PNG draws the timeline (as shown: with or without files) as a PNG.
func (v *timelineView) PNG() ([]byte, error) {
	img, err := drawTimeline(v.u.ctl.Report, v.withFiles, v.u.dark, filepath.Base(v.u.ctl.Dir))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// maxPNGRows bounds the rows of an exported picture.
const maxPNGRows = 1500

func newFace(ttf []byte, size float64) (font.Face, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 96, Hinting: font.HintingFull})
}

// drawTimeline renders the timeline as an image: a title, a time axis and
// one row per step (and file) with a bar where it ran.
func drawTimeline(r engine.Report, withFiles, dark bool, folder string) (*image.RGBA, error) {
	rows, total := timelineRows(r, withFiles)
	cut := 0
	if len(rows) > maxPNGRows {
		cut = len(rows) - maxPNGRows
		rows = rows[:maxPNGRows]
	}
	reg, err := newFace(goregular.TTF, 12)
	if err != nil {
		return nil, err
	}
	bld, err := newFace(gobold.TTF, 12)
	if err != nil {
		return nil, err
	}
	title, err := newFace(gobold.TTF, 16)
	if err != nil {
		return nil, err
	}
	bg, fg, dim, grid := color.RGBA{0xff, 0xff, 0xff, 0xff}, color.RGBA{0x20, 0x20, 0x24, 0xff}, color.RGBA{0x70, 0x70, 0x78, 0xff}, color.RGBA{0xe4, 0xe4, 0xea, 0xff}
	if dark {
		bg, fg, dim, grid = color.RGBA{0x1e, 0x1f, 0x24, 0xff}, color.RGBA{0xe8, 0xe8, 0xee, 0xff}, color.RGBA{0x9a, 0x9a, 0xa4, 0xff}, color.RGBA{0x34, 0x36, 0x3e, 0xff}
	}
	const (
		W      = 1400
		left   = 16
		nameW  = 340
		barX   = left + nameW
		barW   = 700
		infoX  = barX + barW + 12
		top    = 78
		stepH  = 24
		fileH  = 19
		bottom = 30
	)
	h := top + bottom
	for _, row := range rows {
		if row.step {
			h += stepH
		} else {
			h += fileH
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, W, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{bg}, image.Point{}, draw.Src)
	text := func(face font.Face, c color.Color, x, y int, s string, maxW int) {
		d := &font.Drawer{Dst: img, Src: &image.Uniform{c}, Face: face, Dot: fixed.P(x, y)}
		if maxW > 0 {
			for d.MeasureString(s).Ceil() > maxW && len(s) > 2 {
				rs := []rune(s)
				s = string(rs[:len(rs)-2]) + "…"
			}
		}
		d.DrawString(s)
	}
	fill := func(x0, y0, x1, y1 int, c color.Color) {
		draw.Draw(img, image.Rect(x0, y0, x1, y1), &image.Uniform{c}, image.Point{}, draw.Over)
	}
	text(title, fg, left, 26, fmt.Sprintf("Load order — %s (%s model, %s mode)", folder, r.Model, r.Mode), W-2*left)
	text(reg, dim, left, 46, fmt.Sprintf("%d steps and commands · %d files ok, %d failed · %d errors · %s in Lua",
		countSteps(rows), r.Files.OK, r.Files.Failed, len(r.Errors), fmtMs(total)), W-2*left)
	// axis
	for i := 0; i <= 4; i++ {
		x := barX + barW*i/4
		fill(x, top-8, x+1, h-bottom+4, grid)
		text(reg, dim, x-10, top-12, fmtMs(total*float64(i)/4), 0)
	}
	y := top
	for i, row := range rows {
		rh := fileH
		face := reg
		if row.step {
			rh = stepH
			face = bld
			if i > 0 {
				fill(left, y, W-left, y+1, grid)
			}
		}
		name := row.name
		if !row.step {
			name = "   " + name
		}
		col := fg
		barCol := colBar
		if row.step && row.kind != "step" {
			barCol = colBarMsg
		}
		if row.errors > 0 || row.err != "" || row.fatal {
			col = color.RGBA{0xe0, 0x40, 0x40, 0xff}
			barCol = colBarErr
		}
		text(face, col, left, y+rh-6, name, nameW-8)
		if total > 0 {
			x0 := barX + int(float64(barW)*row.start/total)
			w := int(float64(barW) * row.ms / total)
			if w < 2 {
				w = 2
			}
			bh := rh * 6 / 10
			fill(x0, y+(rh-bh)/2, x0+w, y+(rh-bh)/2+bh, barCol)
		}
		text(reg, dim, infoX, y+rh-6, rowInfo(row), W-infoX-left)
		y += rh
	}
	if cut > 0 {
		text(reg, dim, left, h-10, fmt.Sprintf("… %d more rows not drawn", cut), 0)
	} else {
		text(reg, dim, left, h-10, "modscope — every bar is where a step or file ran, in load order", 0)
	}
	return img, nil
}
