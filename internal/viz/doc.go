// Package viz draws the playground's plots with gonum/plot and encodes
// them as small SVG documents for streaming, or as PNG for downloads.
//
// The package has three parts:
//
//   - House style: NewPlot returns a *plot.Plot with sans-serif text sized
//     for a projector, a pale grid and thin axes; Palette, ClassColor and
//     RegionColor give a colour-blind friendly categorical palette
//     (Okabe–Ito) and pale versions of it for backgrounds.
//   - Builders: small functions (AddRegionMap, AddScatter, AddMarkers,
//     AddTrails, AddLine, AddHistory, AddFunction, AddVLine, AddHLine,
//     AddBands, SetLogY) that each add one layer to a plot; rasters and
//     contours cover a Box of the data plane. Layers are drawn in the
//     order they are added, so add backgrounds (region maps, bands) first.
//     Builders take plain slices and skip points that are not finite,
//     because a half-trained model may produce NaN and a frame must still
//     be drawn.
//   - Legends: SVG and PNG draw a plot's legend on a translucent box where
//     it covers no data (legend.go): the corner Legend.Top and Legend.Left
//     name is only a preference, and a plot with data everywhere gets the
//     legend beside its data area. ReportLegend tells tests where it went.
//   - Encoding: SVG draws on svgWriter, a canvas that writes vgsvg's
//     document already compacted (rounded coordinates, circles instead of
//     arc paths, presentation attributes instead of styles, shared
//     attributes hoisted into groups) so that a frame of several panels stays small enough to be swapped in
//     several times a second. It also returns a Viewport that maps clicks
//     on the SVG back to data coordinates. PNG renders with vgimg.
//   - Speed: every plot measures text through one cache of widths
//     (textcache.go), is laid out from the few glyph boxes that can decide
//     its margins (layout.go), and CachedSVG reuses the PNG of a raster
//     whose pixels did not change since the panel's last drawing
//     (raster.go). None of these changes a byte of the output.
//
// The compact SVG relies on presentation attributes rather than inline
// styles, so page CSS that targets svg elements (for example
// "svg text { fill: red }") would override them; keep page CSS to sizing
// (width:100%; height:auto).
//
// The package knows nothing about HTTP or about what is being plotted.
package viz
