package input

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/screen-compliance/screen/record"
)

// Canonical field names. Party columns (name, type, country, dob, id_number)
// are used by party rows; role, goods and route columns by shipment rows; id,
// date and imo by both.
const (
	FieldID          = "id"
	FieldDate        = "date"
	FieldName        = "name"
	FieldType        = "type"
	FieldCountry     = "country"
	FieldDOB         = "dob"
	FieldIDNumber    = "id_number"
	FieldIMO         = "imo"
	FieldHSCode      = "hs_code"
	FieldDescription = "description"
	FieldQuantity    = "quantity"
	FieldUnit        = "unit"
	FieldValue       = "value"
	FieldCurrency    = "currency"
	FieldOrigin      = "origin_country"
	FieldDestination = "destination_country"
	FieldPOL         = "port_of_loading"
	FieldPOD         = "port_of_discharge"
	FieldVia         = "transshipment"
)

// Row shapes reported in Mapping.Shape.
const (
	ShapeParty    = "party"
	ShapeShipment = "shipment"
)

// roles lists the party roles of shipment rows, in the order their parties
// appear in a Record.
var roles = []string{
	record.RoleShipper, record.RoleSeller, record.RoleManufacturer, record.RoleBuyer,
	record.RoleConsignee, record.RoleNotifyParty, record.RoleCarrier, record.RoleVessel,
}

// roleSynonyms are the words that name each role in headers (normalised).
var roleSynonyms = map[string][]string{
	record.RoleShipper:      {"shipper", "exporter", "consignor", "sender", "shippers"},
	record.RoleConsignee:    {"consignee", "importer", "receiver", "recipient", "shipto", "consignees", "deliverto"},
	record.RoleNotifyParty:  {"notifyparty", "notify", "notifyparties"},
	record.RoleBuyer:        {"buyer", "purchaser", "soldto", "billto"},
	record.RoleSeller:       {"seller", "vendor", "supplier"},
	record.RoleManufacturer: {"manufacturer", "maker", "producer", "mfr", "manufacturedby"},
	record.RoleCarrier:      {"carrier", "shippingline", "shippingcompany", "airline", "scac"},
	record.RoleVessel:       {"vessel", "ship", "vsl", "vesselvoyage"},
}

// synonyms maps normalised header text to a canonical field. It is built once
// and only read afterwards.
var synonyms = buildSynonyms()

func buildSynonyms() map[string]string {
	m := map[string]string{}
	add := func(field string, keys ...string) {
		for _, k := range keys {
			if _, dup := m[k]; !dup {
				m[k] = field
			}
		}
	}
	add(FieldID, "id", "recordid", "rowid", "shipmentid", "shipmentno", "shipmentnumber", "reference", "ref",
		"refno", "referenceno", "shipmentref", "shipmentreference", "yourref", "ourref", "bookingno", "bookingnumber", "bookingref", "referencenumber", "blnumber", "blno", "bl", "billoflading", "billofladingnumber",
		"awb", "awbnumber", "invoiceno", "invoicenumber", "orderno", "ordernumber", "transactionid", "partyid",
		"customerid", "clientid")
	add(FieldDate, "date", "shipmentdate", "shippingdate", "shipdate", "invoicedate", "etd", "departuredate",
		"bldate", "dateofshipment", "exportdate", "transactiondate", "orderdate")
	add(FieldName, "name", "fullname", "partyname", "entityname", "companyname", "counterparty",
		"counterpartyname", "legalname", "organizationname", "organisationname", "personname", "names")
	add(FieldType, "type", "kind", "entitytype", "partytype", "typeofentity", "partykind", "entitykind",
		"subjecttype", "category")
	add(FieldCountry, "country", "countrycode", "nationality", "citizenship", "countryofincorporation",
		"countryofresidence", "residence", "domicile", "addresscountry", "countryname", "jurisdiction")
	add(FieldDOB, "dob", "dateofbirth", "birthdate", "born", "birthday", "yearofbirth")
	add(FieldIDNumber, "idnumber", "idno", "identification", "identificationnumber", "passport",
		"passportnumber", "passportno", "nationalid", "nationalidnumber", "registrationnumber", "regno",
		"registrationno", "taxid", "vat", "vatnumber", "lei", "document", "documentnumber")
	add(FieldIMO, "imo", "imonumber", "imono", "imonum", "imocode", "vesselimo", "vesselimonumber", "shipimo",
		"shipimonumber", "lloydsnumber")
	add(FieldHSCode, "hscode", "hs", "hscodes", "hts", "htscode", "htsus", "hsn", "hsncode", "hs6",
		"commoditycode", "tariffcode", "tariffnumber", "tariffno", "customscode", "cncode", "taric",
		"tariccode", "harmonizedcode", "harmonisedcode", "harmonizedsystemcode", "hstariffcode", "hsheading",
		"scheduleb", "schedulebnumber")
	add(FieldDescription, "description", "goodsdescription", "descriptionofgoods", "goods", "commodity",
		"commoditydescription", "product", "productdescription", "productname", "item", "itemdescription",
		"cargo", "cargodescription", "desc", "merchandise", "merchandisedescription", "articles")
	add(FieldQuantity, "quantity", "qty", "quantities", "pieces", "pcs", "numberofunits", "count")
	add(FieldUnit, "unit", "units", "uom", "unitofmeasure", "unitofmeasurement", "qtyunit", "quantityunit",
		"measure")
	add(FieldValue, "value", "invoicevalue", "totalvalue", "amount", "price", "totalamount", "customsvalue",
		"declaredvalue", "fobvalue", "cifvalue", "goodsvalue", "totalprice")
	add(FieldCurrency, "currency", "ccy", "cur", "currencycode", "valuecurrency")
	add(FieldOrigin, "origincountry", "origin", "countryoforigin", "coo", "origincountrycode", "exportcountry",
		"countryofexport", "fromcountry", "originalcountry", "countryoforigincode", "departurecountry")
	add(FieldDestination, "destinationcountry", "destination", "countryofdestination", "dest", "destcountry",
		"importcountry", "countryofimport", "tocountry", "finaldestination", "destinationcountrycode",
		"countryofdestinationcode", "arrivalcountry")
	add(FieldPOL, "portofloading", "pol", "loadingport", "loadport", "portofexport", "originport",
		"portofdeparture", "departureport", "placeofloading")
	add(FieldPOD, "portofdischarge", "pod", "dischargeport", "portofdestination", "destinationport",
		"portofimport", "portofunloading", "unloadingport", "portofarrival", "arrivalport", "placeofdischarge",
		"placeofdelivery")
	add(FieldVia, "transshipment", "transhipment", "transshipments", "transshipmentport",
		"transshipmentports", "transhipmentport", "via", "transit", "transitport", "transitports",
		"transitcountry", "transitcountries", "routing", "portsofcall", "transshipmentcountry")
	for _, role := range roles {
		for _, s := range roleSynonyms[role] {
			add(role, s, s+"name", s+"sname", s+"company", s+"companyname", s+"party", s+"partyname",
				s+"fullname", s+"entity", s+"legalname", "nameof"+s)
			add(role+"_country", s+"country", s+"countrycode", s+"countryname", s+"scountry",
				"countryof"+s, s+"addresscountry", s+"nationality")
		}
	}
	add("vessel_country", "flag", "flagstate", "vesselflag", "flagcountry", "shipflag")
	add(FieldIMO, "vesselimo")
	return m
}

// isRole reports whether f is a party role column of shipment rows.
func isRole(f string) bool {
	for _, r := range roles {
		if f == r {
			return true
		}
	}
	return false
}

// roleOfCountry returns the role of a per-role country field
// ("consignee_country" → "consignee").
func roleOfCountry(f string) (string, bool) {
	r, ok := strings.CutSuffix(f, "_country")
	if !ok || !isRole(r) {
		return "", false
	}
	return r, true
}

// isGoods reports whether f is a goods column of shipment rows.
func isGoods(f string) bool {
	switch f {
	case FieldHSCode, FieldDescription, FieldQuantity, FieldUnit, FieldValue, FieldCurrency:
		return true
	}
	return false
}

// isRoute reports whether f is a route column of shipment rows.
func isRoute(f string) bool {
	switch f {
	case FieldOrigin, FieldDestination, FieldPOL, FieldPOD, FieldVia:
		return true
	}
	return false
}

// isPartyOnly reports whether f is used by party rows only.
func isPartyOnly(f string) bool {
	switch f {
	case FieldName, FieldType, FieldCountry, FieldDOB, FieldIDNumber:
		return true
	}
	return false
}

// KnownFields returns every canonical field name, sorted.
func KnownFields() []string {
	seen := map[string]bool{}
	for _, f := range synonyms {
		seen[f] = true
	}
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// normalizeHeader folds a header for matching: lower case, letters and digits
// only ("Consignee Name" → "consigneename", "HS-Code" → "hscode").
func normalizeHeader(h string) string {
	var b strings.Builder
	b.Grow(len(h))
	for _, r := range h {
		switch {
		case r == '&':
			// "Port & Country" reads like "port and country"; keep it simple.
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// lookupField returns the canonical field a header names, or "".
func lookupField(header string) string {
	n := normalizeHeader(header)
	if f, ok := synonyms[n]; ok {
		return f
	}
	// "No." and "Number" suffixes on ids: "Shipment Ref No" → id.
	for _, suf := range []string{"number", "no", "code"} {
		if s, ok := strings.CutSuffix(n, suf); ok && s != "" {
			if f, ok := synonyms[s]; ok && (f == FieldID || f == FieldIMO || f == FieldHSCode) {
				return f
			}
		}
	}
	return ""
}

// canonicalField resolves a --columns key (a canonical name or a synonym).
func canonicalField(key string) (string, error) {
	if f := lookupField(key); f != "" {
		return f, nil
	}
	return "", fmt.Errorf("unknown field %q (known fields: %s)", key, strings.Join(KnownFields(), ", "))
}

// kindOf maps a party type cell to a record kind: person, organization,
// vessel, aircraft, or "" when the value gives none; ok is false when the
// value names no kind (see record.CanonicalKind).
func kindOf(v string) (kind string, ok bool) { return record.CanonicalKind(v) }
