package report

import (
	"bytes"
	"encoding/xml"
	"time"
)

// corePropsPath is the package part of the workbook's core properties.
const corePropsPath = "docProps/core.xml"

// coreProps returns docProps/core.xml for a workbook of the run: title,
// creator, last modified by, run id, created and modified, written with the
// cp:, dc: and dcterms: prefixes that ExcelJS, LibreOffice, SheetJS and
// Excel all read.
func coreProps(info RunInfo) []byte {
	created := info.CreatedAt.UTC()
	if created.IsZero() {
		created = time.Unix(0, 0).UTC()
	}
	stamp := created.Format("2006-01-02T15:04:05Z")
	tool := cleanXML(info.Tool)
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"` +
		` xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	elem := func(name, text string) {
		if text == "" {
			return
		}
		b.WriteString("<" + name + ">")
		xml.EscapeText(&b, []byte(text)) // writes to a bytes.Buffer never fail
		b.WriteString("</" + name + ">")
	}
	elem("dc:title", "screen results")
	elem("dc:creator", tool)
	elem("cp:lastModifiedBy", tool)
	elem("dc:identifier", cleanXML(info.RunID))
	b.WriteString(`<dcterms:created xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:created>`)
	b.WriteString(`<dcterms:modified xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:modified>`)
	b.WriteString(`</cp:coreProperties>`)
	return b.Bytes()
}
