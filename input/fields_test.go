package input

import (
	"reflect"
	"testing"

	"github.com/screen-compliance/screen/record"
)

func TestLookupField(t *testing.T) {
	tests := []struct{ header, want string }{
		{"name", FieldName},
		{"Full Name", FieldName},
		{"Consignee Name", record.RoleConsignee},
		{"CONSIGNEE", record.RoleConsignee},
		{"consignee_name", record.RoleConsignee},
		{"Consignee's Name", record.RoleConsignee},
		{"Importer", record.RoleConsignee},
		{"Shipper", record.RoleShipper},
		{"Exporter Name", record.RoleShipper},
		{"Notify", record.RoleNotifyParty},
		{"Notify Party", record.RoleNotifyParty},
		{"Buyer", record.RoleBuyer},
		{"Supplier", record.RoleSeller},
		{"Manufacturer", record.RoleManufacturer},
		{"Carrier", record.RoleCarrier},
		{"Vessel Name", record.RoleVessel},
		{"Ship", record.RoleVessel},
		{"IMO", FieldIMO},
		{"IMO Number", FieldIMO},
		{"Vessel IMO", FieldIMO},
		{"Flag", "vessel_country"},
		{"Consignee Country", "consignee_country"},
		{"Country of Shipper", "shipper_country"},
		{"HS Code", FieldHSCode},
		{"HS", FieldHSCode},
		{"hs-code", FieldHSCode},
		{"Commodity Code", FieldHSCode},
		{"HTS", FieldHSCode},
		{"Goods Description", FieldDescription},
		{"Description of Goods", FieldDescription},
		{"Qty", FieldQuantity},
		{"UOM", FieldUnit},
		{"Invoice Value", FieldValue},
		{"Currency", FieldCurrency},
		{"Country of Origin", FieldOrigin},
		{"COO", FieldOrigin},
		{"Destination", FieldDestination},
		{"Country of Destination", FieldDestination},
		{"POL", FieldPOL},
		{"Port of Loading", FieldPOL},
		{"POD", FieldPOD},
		{"Port of Discharge", FieldPOD},
		{"Via", FieldVia},
		{"Transshipment Ports", FieldVia},
		{"Date of Birth", FieldDOB},
		{"DOB", FieldDOB},
		{"Passport No", FieldIDNumber},
		{"Nationality", FieldCountry},
		{"Entity Type", FieldType},
		{"Shipment Ref", FieldID},
		{"Reference Number", FieldID},
		{"B/L No.", FieldID},
		{"Date", FieldDate},
		{"Remarks", ""},
		{"", ""},
		{"Gewicht", ""},
	}
	for _, tt := range tests {
		if got := lookupField(tt.header); got != tt.want {
			t.Errorf("lookupField(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"person", "person", true}, {"Individual", "person", true}, {"natural person", "person", true},
		{"organization", "organization", true}, {"Organisation", "organization", true}, {"company", "organization", true},
		{"Entity", "organization", true}, {"legal entity", "organization", true},
		{"vessel", "vessel", true}, {"Ship", "vessel", true}, {"aircraft", "aircraft", true}, {"plane", "aircraft", true},
		{"", "", true}, {"N/A", "", true}, {"unknown thing", "", false}, {"persn", "", false},
	}
	for _, tt := range tests {
		if got, ok := kindOf(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("kindOf(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestShapeAndMapping(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		user    map[string]string
		shape   string
		fields  []string // effective field per column ("" = ignored)
		wantErr bool
	}{
		{"party", []string{"Name", "Type", "Country", "DOB"}, nil, ShapeParty,
			[]string{"name", "type", "country", "dob"}, false},
		{"party ignores goods columns", []string{"name", "description", "hs_code"}, nil, ShapeParty,
			[]string{"name", "", ""}, false},
		{"shipment", []string{"Shipper", "Consignee Name", "HS Code", "Country"}, nil, ShapeShipment,
			[]string{"shipper", "consignee", "hs_code", ""}, false},
		{"shipment wins over name", []string{"name", "consignee"}, nil, ShapeShipment,
			[]string{"", "consignee"}, false},
		{"goods only", []string{"HS", "Description", "Qty"}, nil, ShapeShipment,
			[]string{"hs_code", "description", "quantity"}, false},
		{"duplicate field", []string{"Consignee", "Consignee Name"}, nil, ShapeShipment,
			[]string{"consignee", ""}, false},
		{"unknown columns", []string{"foo", "bar"}, nil, "", []string{"", ""}, false},
		{"user mapping", []string{"Buyer Co", "Product"}, map[string]string{"consignee": "buyer co"}, ShapeShipment,
			[]string{"consignee", "description"}, false},
		{"user mapping replaces auto", []string{"Consignee", "Ultimate Consignee"},
			map[string]string{"consignee": "Ultimate Consignee"}, ShapeShipment, []string{"", "consignee"}, false},
		{"user header missing", []string{"Consignee"}, map[string]string{"shipper": "Sender Co"}, "", nil, true},
		{"user maps one column twice", []string{"X"}, map[string]string{"shipper": "X", "consignee": "X"}, "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := newLayout(tt.headers, tt.user, true)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.shape != tt.shape {
				t.Errorf("shape %q, want %q", l.shape, tt.shape)
			}
			got := make([]string, len(l.cols))
			for i, c := range l.cols {
				got[i] = c.field
			}
			if !reflect.DeepEqual(got, tt.fields) {
				t.Errorf("fields %q, want %q (mapping %+v)", got, tt.fields, l.mapping)
			}
			for i, c := range l.mapping.Columns[:len(tt.headers)] {
				if c.Field == "" && c.Note == "" {
					t.Errorf("column %d ignored without a note", i)
				}
			}
		})
	}
}

func TestPadHS(t *testing.T) {
	tests := []struct{ in, want string }{
		{"302", "0302"}, {"30212", "030212"}, {"3021100", "03021100"}, {"302110000", "0302110000"},
		{"0302", "0302"}, {"8471", "8471"}, {"847130", "847130"}, {"302.10", "0302.10"},
		{"2818.20", "2818.20"}, {"2818.2", "2818.20"}, {"302.1", "0302.10"}, {"28", "28"}, {"abc", "abc"}, {"", ""}, {"30.2", "30.2"},
	}
	for _, tt := range tests {
		if got := padHS(tt.in); got != tt.want {
			t.Errorf("padHS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeIMO(t *testing.T) {
	tests := []struct{ in, want string }{
		{"9123456", "9123456"}, {"IMO 9123456", "9123456"}, {"imo:9123456", "9123456"},
		{"IMO9123456", "9123456"}, {"9123456.0", "9123456"}, {" 9123456 ", "9123456"},
		{"unknown", "unknown"}, {"", ""},
	}
	for _, tt := range tests {
		if got := normalizeIMO(tt.in); got != tt.want {
			t.Errorf("normalizeIMO(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGoodsSplit(t *testing.T) {
	headers := []string{"hs_code", "description", "quantity", "unit", "value", "currency"}
	l, err := newLayout(headers, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		vals []string
		want []record.GoodsLine
	}{
		{"one line", []string{"2818.20", "alumina", "40", "t", "38400", "USD"},
			[]record.GoodsLine{{HS: "2818.20", Description: "alumina", Quantity: "40", Unit: "t", Value: "38400", Currency: "USD"}}},
		{"counts agree", []string{"0501.00; 6704.20", "hair; wigs", "2;1", "t", "9600;4000", "USD"},
			[]record.GoodsLine{
				{HS: "0501.00", Description: "hair", Quantity: "2", Unit: "t", Value: "9600", Currency: "USD"},
				{HS: "6704.20", Description: "wigs", Quantity: "1", Unit: "t", Value: "4000", Currency: "USD"},
			}},
		{"counts disagree", []string{"302;303", "fish; fresh; chilled", "5", "", "", ""},
			[]record.GoodsLine{
				{HS: "0302", Description: "fish; fresh; chilled", Quantity: "5"},
				{HS: "0303"},
			}},
		{"description only", []string{"", "steel pipes; seamless", "", "", "", ""},
			[]record.GoodsLine{{Description: "steel pipes; seamless"}}},
		{"no goods", []string{"", "", "", "", "", ""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.goods(tt.vals); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("goods = %+v, want %+v", got, tt.want)
			}
		})
	}
}
