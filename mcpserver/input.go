package mcpserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/record"
)

// PartyInput is the arguments of screen_party: one row of a party file,
// under the column names `screen scan` reads.
type PartyInput struct {
	ID       string `json:"id,omitempty" jsonschema:"your reference for this party; the decision's id (default row-1)"`
	Name     string `json:"name,omitempty" jsonschema:"the party's name as you have it (person, company, vessel or aircraft); give a name, an id_number or an imo"`
	Kind     string `json:"kind,omitempty" jsonschema:"person, organization, vessel or aircraft (individual, company, legal entity, ship, plane are accepted); leave out when unknown"`
	Country  string `json:"country,omitempty" jsonschema:"the party's country: a name or an ISO 3166 alpha-2 or alpha-3 code"`
	DOB      string `json:"dob,omitempty" jsonschema:"date of birth of a person: YYYY, YYYY-MM or YYYY-MM-DD"`
	IDNumber string `json:"id_number,omitempty" jsonschema:"an identifier: passport, national id, registration or tax number"`
	IMO      string `json:"imo,omitempty" jsonschema:"the IMO number of a vessel (7 digits; 'IMO 9123456' is accepted)"`
}

// row returns the party as the members of a party-file row, in column
// order; name is always present, so that the row reads as a party row.
func (p PartyInput) row() []member {
	return members(
		member{"id", p.ID, false}, member{"name", p.Name, true}, member{"kind", p.Kind, false},
		member{"country", p.Country, false}, member{"dob", p.DOB, false},
		member{"id_number", p.IDNumber, false}, member{"imo", p.IMO, false},
	)
}

// ShipmentInput is the arguments of screen_shipment: one row of a shipment
// file, under the column names `screen scan` reads.
type ShipmentInput struct {
	ID                  string `json:"id,omitempty" jsonschema:"your reference (shipment, booking or bill of lading number); the decision's id (default row-1)"`
	Date                string `json:"date,omitempty" jsonschema:"shipment date, YYYY-MM-DD"`
	Shipper             string `json:"shipper,omitempty" jsonschema:"name of the shipper (exporter, consignor)"`
	ShipperCountry      string `json:"shipper_country,omitempty" jsonschema:"country of the shipper: a name or ISO code"`
	Seller              string `json:"seller,omitempty" jsonschema:"name of the seller (vendor, supplier)"`
	SellerCountry       string `json:"seller_country,omitempty" jsonschema:"country of the seller"`
	Manufacturer        string `json:"manufacturer,omitempty" jsonschema:"name of the manufacturer"`
	ManufacturerCountry string `json:"manufacturer_country,omitempty" jsonschema:"country of the manufacturer"`
	Buyer               string `json:"buyer,omitempty" jsonschema:"name of the buyer (purchaser, sold-to)"`
	BuyerCountry        string `json:"buyer_country,omitempty" jsonschema:"country of the buyer"`
	Consignee           string `json:"consignee,omitempty" jsonschema:"name of the consignee (importer, receiver)"`
	ConsigneeCountry    string `json:"consignee_country,omitempty" jsonschema:"country of the consignee"`
	NotifyParty         string `json:"notify_party,omitempty" jsonschema:"name of the notify party"`
	NotifyPartyCountry  string `json:"notify_party_country,omitempty" jsonschema:"country of the notify party"`
	Carrier             string `json:"carrier,omitempty" jsonschema:"name of the carrier (shipping line, airline)"`
	CarrierCountry      string `json:"carrier_country,omitempty" jsonschema:"country of the carrier"`
	Vessel              string `json:"vessel,omitempty" jsonschema:"name of the vessel"`
	VesselCountry       string `json:"vessel_country,omitempty" jsonschema:"flag state of the vessel"`
	IMO                 string `json:"imo,omitempty" jsonschema:"IMO number of the vessel"`
	HSCode              string `json:"hs_code,omitempty" jsonschema:"HS code of the goods (2 to 10 digits, dots allowed); several lines separated by ';' (then description, quantity and value may be split the same way)"`
	Description         string `json:"description,omitempty" jsonschema:"description of the goods or services, in trade wording"`
	Quantity            string `json:"quantity,omitempty" jsonschema:"quantity of the goods"`
	Unit                string `json:"unit,omitempty" jsonschema:"unit of the quantity (kg, t, pcs, ...)"`
	Value               string `json:"value,omitempty" jsonschema:"value of the goods"`
	Currency            string `json:"currency,omitempty" jsonschema:"currency of the value (ISO 4217)"`
	OriginCountry       string `json:"origin_country,omitempty" jsonschema:"country the goods are shipped from (or originate in)"`
	DestinationCountry  string `json:"destination_country,omitempty" jsonschema:"country the goods are shipped to"`
	PortOfLoading       string `json:"port_of_loading,omitempty" jsonschema:"port of loading"`
	PortOfDischarge     string `json:"port_of_discharge,omitempty" jsonschema:"port of discharge"`
	Transshipment       string `json:"transshipment,omitempty" jsonschema:"transshipment ports or countries, separated by ';'"`
}

// row returns the shipment as the members of a shipment-file row, in
// column order.
func (s ShipmentInput) row() []member {
	return members(
		member{"id", s.ID, false}, member{"date", s.Date, false},
		member{"shipper", s.Shipper, false}, member{"shipper_country", s.ShipperCountry, false},
		member{"seller", s.Seller, false}, member{"seller_country", s.SellerCountry, false},
		member{"manufacturer", s.Manufacturer, false}, member{"manufacturer_country", s.ManufacturerCountry, false},
		member{"buyer", s.Buyer, false}, member{"buyer_country", s.BuyerCountry, false},
		member{"consignee", s.Consignee, false}, member{"consignee_country", s.ConsigneeCountry, false},
		member{"notify_party", s.NotifyParty, false}, member{"notify_party_country", s.NotifyPartyCountry, false},
		member{"carrier", s.Carrier, false}, member{"carrier_country", s.CarrierCountry, false},
		member{"vessel", s.Vessel, false}, member{"vessel_country", s.VesselCountry, false},
		member{"imo", s.IMO, false},
		member{"hs_code", s.HSCode, false}, member{"description", s.Description, false},
		member{"quantity", s.Quantity, false}, member{"unit", s.Unit, false},
		member{"value", s.Value, false}, member{"currency", s.Currency, false},
		member{"origin_country", s.OriginCountry, false}, member{"destination_country", s.DestinationCountry, false},
		member{"port_of_loading", s.PortOfLoading, false}, member{"port_of_discharge", s.PortOfDischarge, false},
		member{"transshipment", s.Transshipment, false},
	)
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
// message names the argument as a column ("column \"kind\"").
type InputError struct{ Msg string }

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
		return record.Record{}, &InputError{Msg: rec.Err}
	}
	return rec, nil
}
