package names

import "strings"

// Legal-form classes. Company legal forms are folded to one of these so
// "Siemens AG" and "Siemens Aktiengesellschaft" or "X Co., Ltd." and
// "X Company Limited" compare equal; legal-form tokens then weigh little.
const (
	LegalLimited = "ltd"  // limited liability: Ltd, LLC, GmbH, OOO, SARL, Pte Ltd, 有限公司 ...
	LegalStock   = "jsc"  // joint-stock / public: AG, JSC, PJSC, SA, PLC, Inc, Corp, 株式会社, 주식회사 ...
	LegalCompany = "co"   // "company", "& Co", "Cia"
	LegalOther   = "firm" // partnerships, cooperatives, state enterprises ...
)

// ordinalDigits turns "1st", "22nd", "3rd", "4th" into "1", "22", "3", "4";
// other tokens are returned unchanged.
func ordinalDigits(t string) string {
	if len(t) < 3 {
		return t
	}
	suf := t[len(t)-2:]
	if suf != "st" && suf != "nd" && suf != "rd" && suf != "th" {
		return t
	}
	num := t[:len(t)-2]
	if strings.Trim(num, "0123456789") != "" {
		return t
	}
	return num
}
