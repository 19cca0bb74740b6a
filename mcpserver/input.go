package mcpserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/record"
)

// PartyInput is the arguments of screen_party: one row of a party file,
// under the column names `screen scan` reads.
type PartyInput struct {
	ID       Text `json:"id,omitempty" jsonschema:"your reference for this party; the decision's id (default row-1)"`
	Name     Text `json:"name,omitempty" jsonschema:"the party's name as you have it (person, company, vessel or aircraft); give a name, an id_number or an imo"`
	Kind     Text `json:"kind,omitempty" jsonschema:"person, organization, vessel or aircraft (individual, company, legal entity, ship, plane are accepted); leave out when unknown"`
	Country  Text `json:"country,omitempty" jsonschema:"the party's country: a name or an ISO 3166 alpha-2 or alpha-3 code"`
	DOB      Text `json:"dob,omitempty" jsonschema:"date of birth of a person: YYYY, YYYY-MM or YYYY-MM-DD"`
	IDNumber Text `json:"id_number,omitempty" jsonschema:"an identifier: passport, national id, registration or tax number"`
	IMO      Text `json:"imo,omitempty" jsonschema:"the IMO number of a vessel (7 digits; 'IMO 9123456' is accepted)"`
}

// row returns the party as the members of a party-file row, in column
// order; name is always present, so that the row reads as a party row.
func (p PartyInput) row() []member {
	return members(
		member{"id", string(p.ID), false}, member{"name", string(p.Name), true}, member{"kind", string(p.Kind), false},
		member{"country", string(p.Country), false}, member{"dob", string(p.DOB), false},
		member{"id_number", string(p.IDNumber), false}, member{"imo", string(p.IMO), false},
	)
}

// ShipmentInput is the arguments of screen_shipment: one row of a shipment
// file, under the column names `screen scan` reads.
type ShipmentInput struct {
	ID                  Text     `json:"id,omitempty" jsonschema:"your reference (shipment, booking or bill of lading number); the decision's id (default row-1)"`
	Date                Text     `json:"date,omitempty" jsonschema:"shipment date, YYYY-MM-DD"`
	Shipper             Text     `json:"shipper,omitempty" jsonschema:"name of the shipper (exporter, consignor)"`
	ShipperCountry      Text     `json:"shipper_country,omitempty" jsonschema:"country of the shipper: a name or ISO code"`
	Seller              Text     `json:"seller,omitempty" jsonschema:"name of the seller (vendor, supplier)"`
	SellerCountry       Text     `json:"seller_country,omitempty" jsonschema:"country of the seller"`
	Manufacturer        Text     `json:"manufacturer,omitempty" jsonschema:"name of the manufacturer"`
	ManufacturerCountry Text     `json:"manufacturer_country,omitempty" jsonschema:"country of the manufacturer"`
	Buyer               Text     `json:"buyer,omitempty" jsonschema:"name of the buyer (purchaser, sold-to)"`
	BuyerCountry        Text     `json:"buyer_country,omitempty" jsonschema:"country of the buyer"`
	Consignee           Text     `json:"consignee,omitempty" jsonschema:"name of the consignee (importer, receiver)"`
	ConsigneeCountry    Text     `json:"consignee_country,omitempty" jsonschema:"country of the consignee"`
	NotifyParty         Text     `json:"notify_party,omitempty" jsonschema:"name of the notify party"`
	NotifyPartyCountry  Text     `json:"notify_party_country,omitempty" jsonschema:"country of the notify party"`
	Carrier             Text     `json:"carrier,omitempty" jsonschema:"name of the carrier (shipping line, airline)"`
	CarrierCountry      Text     `json:"carrier_country,omitempty" jsonschema:"country of the carrier"`
	Vessel              Text     `json:"vessel,omitempty" jsonschema:"name of the vessel"`
	VesselCountry       Text     `json:"vessel_country,omitempty" jsonschema:"flag state of the vessel"`
	IMO                 Text     `json:"imo,omitempty" jsonschema:"IMO number of the vessel"`
	HSCode              Text     `json:"hs_code,omitempty" jsonschema:"HS code of the goods (2 to 10 digits, dots allowed); several lines separated by ';' (then description, quantity and value may be split the same way)"`
	Description         Text     `json:"description,omitempty" jsonschema:"description of the goods or services, in trade wording"`
	Quantity            Text     `json:"quantity,omitempty" jsonschema:"quantity of the goods"`
	Unit                Text     `json:"unit,omitempty" jsonschema:"unit of the quantity (kg, t, pcs, ...)"`
	Value               Text     `json:"value,omitempty" jsonschema:"value of the goods"`
	Currency            Text     `json:"currency,omitempty" jsonschema:"currency of the value (ISO 4217)"`
	OriginCountry       Text     `json:"origin_country,omitempty" jsonschema:"country the goods are shipped from (or originate in)"`
	DestinationCountry  Text     `json:"destination_country,omitempty" jsonschema:"country the goods are shipped to"`
	PortOfLoading       Text     `json:"port_of_loading,omitempty" jsonschema:"port of loading"`
	PortOfDischarge     Text     `json:"port_of_discharge,omitempty" jsonschema:"port of discharge"`
	Transshipment       TextList `json:"transshipment,omitempty" jsonschema:"transshipment ports or countries: a list, or one text separated by ';'"`
}

// row returns the shipment as the members of a shipment-file row, in
// column order.
func (s ShipmentInput) row() []member {
	return members(
		member{"id", string(s.ID), false}, member{"date", string(s.Date), false},
		member{"shipper", string(s.Shipper), false}, member{"shipper_country", string(s.ShipperCountry), false},
		member{"seller", string(s.Seller), false}, member{"seller_country", string(s.SellerCountry), false},
		member{"manufacturer", string(s.Manufacturer), false}, member{"manufacturer_country", string(s.ManufacturerCountry), false},
		member{"buyer", string(s.Buyer), false}, member{"buyer_country", string(s.BuyerCountry), false},
		member{"consignee", string(s.Consignee), false}, member{"consignee_country", string(s.ConsigneeCountry), false},
		member{"notify_party", string(s.NotifyParty), false}, member{"notify_party_country", string(s.NotifyPartyCountry), false},
		member{"carrier", string(s.Carrier), false}, member{"carrier_country", string(s.CarrierCountry), false},
		member{"vessel", string(s.Vessel), false}, member{"vessel_country", string(s.VesselCountry), false},
		member{"imo", string(s.IMO), false},
		member{"hs_code", string(s.HSCode), false}, member{"description", string(s.Description), false},
		member{"quantity", string(s.Quantity), false}, member{"unit", string(s.Unit), false},
		member{"value", string(s.Value), false}, member{"currency", string(s.Currency), false},
		member{"origin_country", string(s.OriginCountry), false}, member{"destination_country", string(s.DestinationCountry), false},
		member{"port_of_loading", string(s.PortOfLoading), false}, member{"port_of_discharge", string(s.PortOfDischarge), false},
		member{"transshipment", string(s.Transshipment), false},
	)
}

// Text is a tool argument given as a JSON string or number (a number is
// kept as its JSON text: 8479.89, 9004700), as a cell of a JSON input file
// is read by `screen scan`. Its schema is {"type": ["string", "number"]}.
type Text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("text argument: %w", err)
		}
		*t = Text(s)
	case string(b) == "null":
		*t = ""
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("want a string or a number, got %s", b)
		}
		*t = Text(n.String())
	}
	return nil
}

// TextList is a tool argument given as one text (items separated by ';')
// or as a JSON array of strings and numbers, which is read as its items
// joined by "; " (as `screen scan` reads a list in a JSON input file).
type TextList string

// UnmarshalJSON implements json.Unmarshaler.
func (l *TextList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '[' {
		var t Text
		if err := t.UnmarshalJSON(b); err != nil {
			return err
		}
		*l = TextList(t)
		return nil
	}
	var items []Text
	if err := json.Unmarshal(b, &items); err != nil {
		return fmt.Errorf("want a list of strings: %w", err)
	}
	parts := make([]string, 0, len(items))
	for _, it := range items {
		if it != "" {
			parts = append(parts, string(it))
		}
	}
	*l = TextList(strings.Join(parts, "; "))
	return nil
}

// member is one column of an input row.
type member struct {
	key, value string
	always     bool // written even when empty
}

// members keeps the members with a value (and those always written).
func members(ms ...member) []member {
	out := ms[:0]
	for _, m := range ms {
		if m.value != "" || m.always {
			out = append(out, m)
		}
	}
	return out
}

// InputError says what in a tool's arguments cannot be screened; its
// message names the argument (`argument "kind": unknown kind "persn"`).
// The tools answer it as a tool error, never as a decision.
type InputError struct{ Msg string }

// Error implements error.
func (e *InputError) Error() string { return "cannot screen these arguments: " + e.Msg }

// sourceMCP is the Source of records received over MCP.
const sourceMCP = "mcp"

// readRow reads one row the way `screen scan` reads a JSON input file
// holding it: the same column mapping, the same checks, the same record.
// A row the input reader refuses is an *InputError.
func readRow(ms []member) (record.Record, error) {
	var buf bytes.Buffer
	buf.WriteByte('[')
	buf.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		v, err := json.Marshal(m.value)
		if err != nil {
			return record.Record{}, fmt.Errorf("encode argument %s: %w", m.key, err)
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteString("}]")
	rd, err := input.NewReader(&buf, sourceMCP, input.Options{Format: input.FormatJSON})
	if err != nil {
		return record.Record{}, &InputError{Msg: err.Error()}
	}
	defer rd.Close()
	rec, err := rd.Next()
	if errors.Is(err, io.EOF) {
		return record.Record{}, &InputError{Msg: "nothing to screen"}
	}
	if err != nil {
		return record.Record{}, &InputError{Msg: err.Error()}
	}
	if rec.Err != "" {
		return record.Record{}, &InputError{Msg: argumentMessage(rec.Err)}
	}
	return rec, nil
}

// argumentMessage rewords the input reader's message about the one row it
// read ("mcp row 1 (element 1 at offset 1), column "kind": unknown kind")
// for tool arguments ("argument "kind": unknown kind"). A message of
// another shape is kept whole.
func argumentMessage(msg string) string {
	rest, ok := strings.CutPrefix(msg, sourceMCP+" row 1 (")
	if !ok {
		return msg
	}
	_, rest, ok = strings.Cut(rest, ")")
	if !ok {
		return msg
	}
	if col, ok := strings.CutPrefix(rest, ", column "); ok {
		return "argument " + col
	}
	if what, ok := strings.CutPrefix(rest, ": "); ok {
		return what
	}
	return msg
}
