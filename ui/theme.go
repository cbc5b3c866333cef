package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"modscope/assets"
)

// iconResource is the application icon.
var iconResource = fyne.NewStaticResource("icon.png", assets.Icon)

// variantTheme is the default theme held to one variant (light or dark),
// whatever the desktop prefers.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func newVariantTheme(dark bool) fyne.Theme {
	v := theme.VariantLight
	if dark {
		v = theme.VariantDark
	}
	return &variantTheme{Theme: theme.DefaultTheme(), variant: v}
}

func (t *variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// Highlight colours for the globals diff and the timeline; translucent so
// they read on both variants.
var (
	colAdded   = color.NRGBA{R: 0x2e, G: 0xb8, B: 0x4c, A: 0x55}
	colChanged = color.NRGBA{R: 0xf0, G: 0xa0, B: 0x20, A: 0x55}
	colRemoved = color.NRGBA{R: 0xe0, G: 0x40, B: 0x40, A: 0x55}
	colNone    = color.NRGBA{}
	colBar     = color.NRGBA{R: 0x3a, G: 0x86, B: 0xe0, A: 0xff}
	colBarErr  = color.NRGBA{R: 0xe0, G: 0x40, B: 0x40, A: 0xff}
	colBarMsg  = color.NRGBA{R: 0x9a, G: 0x6a, B: 0xe0, A: 0xff}
)
