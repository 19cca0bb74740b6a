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

// legalForms maps a folded token sequence (space-joined) to its class. The
// longest sequence wins at each position.
var legalForms = map[string]string{
	// limited liability
	"ltd": LegalLimited, "limited": LegalLimited, "llc": LegalLimited, "l l c": LegalLimited,
	"co ltd": LegalLimited, "company limited": LegalLimited, "company ltd": LegalLimited, "co limited": LegalLimited,
	"limited liability company": LegalLimited, "limited liability co": LegalLimited, "limited company": LegalLimited,
	"llp": LegalLimited, "lp": LegalLimited, "pte": LegalLimited, "pte ltd": LegalLimited, "pvt ltd": LegalLimited,
	"private limited": LegalLimited, "pty": LegalLimited, "pty ltd": LegalLimited, "gmbh": LegalLimited,
	"mbh": LegalLimited, "ooo": LegalLimited, "too": LegalLimited, "sarl": LegalLimited, "srl": LegalLimited,
	"s r l": LegalLimited, "sl": LegalLimited, "bv": LegalLimited, "b v": LegalLimited, "ltda": LegalLimited,
	"sdn bhd": LegalLimited, "bhd": LegalLimited, "kft": LegalLimited, "sro": LegalLimited, "s r o": LegalLimited,
	"spzoo": LegalLimited, "sp z o o": LegalLimited, "doo": LegalLimited, "d o o": LegalLimited, "eood": LegalLimited,
	"ood": LegalLimited, "fzco": LegalLimited, "fze": LegalLimited, "fzc": LegalLimited, "fz llc": LegalLimited,
	"obshchestvo s ogranichennoy otvetstvennostyu": LegalLimited, "yugen kaisha": LegalLimited, "youxian gongsi": LegalLimited,
	"yuhan hoesa": LegalLimited, "jv": LegalOther, "sp zoo": LegalLimited, "spolka z ograniczona odpowiedzialnoscia": LegalLimited,
	"gesellschaft mit beschrankter haftung": LegalLimited, "societatea cu raspundere limitata": LegalLimited,
	"societe a responsabilite limitee": LegalLimited, "sociedad de responsabilidad limitada": LegalLimited,
	"obshchestvo s ogranichennoi otvetstvennostiu": LegalLimited, "tovarishchestvo s ogranichennoy otvetstvennostyu": LegalLimited,
	"aktsionernoe obshchestvo": LegalStock, "publichnoe aktsionernoe obshchestvo": LegalStock,
	"otkrytoe aktsionernoe obshchestvo": LegalStock, "zakrytoe aktsionernoe obshchestvo": LegalStock,
	"societe anonyme": LegalStock, "sociedad anonima": LegalStock, "societa per azioni": LegalStock,
	"naamloze vennootschap": LegalStock, "besloten vennootschap": LegalLimited,
	// stock companies and corporations
	"ag": LegalStock, "aktiengesellschaft": LegalStock, "jsc": LegalStock, "ojsc": LegalStock, "pjsc": LegalStock,
	"cjsc": LegalStock, "joint stock company": LegalStock, "open joint stock company": LegalStock,
	"closed joint stock company": LegalStock, "public joint stock company": LegalStock, "joint stock co": LegalStock,
	"jointstock company": LegalStock, "ao": LegalStock, "oao": LegalStock, "zao": LegalStock, "pao": LegalStock,
	"sa": LegalStock, "s a": LegalStock, "plc": LegalStock, "p l c": LegalStock, "inc": LegalStock,
	"incorporated": LegalStock, "corp": LegalStock, "corporation": LegalStock, "kk": LegalStock,
	"kabushiki kaisha": LegalStock, "kabushikigaisha": LegalStock, "chusik hoesa": LegalStock, "jusik hoesa": LegalStock,
	"spa": LegalStock, "s p a": LegalStock, "nv": LegalStock, "n v": LegalStock, "ab": LegalStock, "oyj": LegalStock,
	"asa": LegalStock, "tbk": LegalStock, "pt": LegalStock, "sae": LegalStock, "saog": LegalStock, "psc": LegalStock,
	"gufen youxian gongsi": LegalStock, "public company limited": LegalStock, "public co ltd": LegalStock,
	"public limited company": LegalStock, "aktsionernoye obshchestvo": LegalStock, "as": LegalStock, "a s": LegalStock,
	// company
	"co": LegalCompany, "company": LegalCompany, "cia": LegalCompany, "compania": LegalCompany,
	"companhia": LegalCompany, "compagnie": LegalCompany, "cie": LegalCompany, "gongsi": LegalCompany,
	"hoesa": LegalCompany,
	// other forms
	"gmbh co kg": LegalOther, "kg": LegalOther, "ohg": LegalOther, "snc": LegalOther, "sas": LegalOther,
	"cooperative": LegalOther, "coop": LegalOther, "unitary enterprise": LegalOther,
	"federal state unitary enterprise": LegalOther, "state unitary enterprise": LegalOther, "fgup": LegalOther,
	"gup": LegalOther, "mup": LegalOther, "pe": LegalOther, "tov": LegalOther,
}

// legalMaxTokens is the longest sequence in legalForms.
const legalMaxTokens = 6

// ambiguousLegal are legal-form abbreviations that are also common name
// tokens; they are folded only at the end of a name with at least two
// other tokens before them.
var ambiguousLegal = map[string]bool{
	"sa": true, "as": true, "ab": true, "ao": true, "pt": true, "pe": true, "sl": true, "lp": true,
	"kk": true, "too": true, "co": false, "nv": true, "kg": true, "a s": true, "s a": true, "spa": true,
	"n v": true, "b v": true, "jv": true, "sas": true, "snc": true, "asa": true, "psc": true, "cia": true,
}

// scriptLegal are legal forms written in Han or Hangul, replaced before
// transliteration (longest first).
var scriptLegal = []struct{ from, class string }{
	{"股份有限公司", LegalStock}, {"有限责任公司", LegalLimited}, {"有限責任公司", LegalLimited},
	{"株式会社", LegalStock}, {"有限会社", LegalLimited}, {"有限公司", LegalLimited},
	{"주식회사", LegalStock}, {"유한회사", LegalLimited}, {"합작회사", LegalOther},
	{"(주)", LegalStock}, {"㈜", LegalStock}, {"公司", LegalCompany}, {"회사", LegalCompany},
}

// honorifics are titles dropped from names (anywhere, when other tokens
// remain).
var honorifics = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "mister": true, "dr": true, "prof": true,
	"professor": true, "sir": true, "madam": true, "sheikh": true, "shaikh": true, "sheik": true,
	"shaykh": true, "mullah": true, "mulla": true, "maulana": true, "maulvi": true, "mawlawi": true,
	"hajji": true, "alhaji": true, "general": false, "col": true, "colonel": true, "gen": true, "capt": true,
	"captain": true, "lt": true, "major": false, "rev": true, "reverend": true, "herr": true, "frau": true,
	"monsieur": true, "mme": true, "senor": true, "sr": false, "engr": true, "eng": true, "ing": true,
	"h e": true, "his excellency": true, "excellency": true,
}

// aliasMarkers are prefixes such as "a.k.a." and "so-called" dropped from
// names (sequences, folded).
var aliasMarkers = map[string]bool{
	"aka": true, "a k a": true, "fka": true, "f k a": true, "nka": true, "n k a": true, "so called": true,
	"also known as": true, "formerly known as": true, "known as": true, "alias": true, "dba": true,
	"d b a": true, "t a": true, "trading as": true, "the": true,
}

// particles are connecting name tokens that carry little identity ("al",
// "bin", "van", "de").
var particles = map[string]bool{
	"al": true, "el": true, "ul": true, "bin": true, "ben": true, "ibn": true, "bint": true, "binti": true,
	"abu": true, "abd": false, "de": true, "da": true, "di": true, "do": true, "dos": true, "das": true,
	"del": true, "della": true, "der": true, "den": true, "van": true, "von": true, "la": true, "le": true,
	"du": true, "des": true, "y": true, "e": true, "of": true, "and": true, "und": true, "et": true,
	"for": true, "in": true, "at": true, "ou": true, "bte": true, "binte": true, "ait": true, "ag": false,
	"mac": false, "o": true, "oglu": true, "ogly": true, "uulu": true, "kyzy": true, "qizi": true,
}

// genericOrg are organisation words that weigh less than a distinctive name
// token.
var genericOrg = map[string]bool{
	"trading": true, "trade": true, "international": true, "intl": true, "group": true, "holding": true,
	"holdings": true, "industrial": true, "industry": true, "industries": true, "general": true,
	"import": true, "export": true, "enterprise": true, "enterprises": true, "development": true,
	"investment": true, "investments": true, "technology": true, "technologies": true, "shipping": true,
	"commercial": true, "services": true, "service": true, "bank": true, "banking": true, "national": true,
	"global": true, "logistics": true, "marine": true, "maritime": true, "management": true,
	"foundation": true, "association": true, "organization": true, "organisation": true, "center": true,
	"centre": true, "institute": true, "ministry": true, "committee": true, "office": true, "bureau": true,
	"corps": true, "department": true, "agency": true, "partners": true, "associates": true,
	"consulting": true, "products": true, "manufacturing": true, "factory": true, "works": true,
	"import export": true, "energy": true, "oil": true, "gas": true, "petroleum": true, "mining": true,
	"construction": true, "engineering": true, "network": true, "systems": true, "solutions": true,
	"korea": true, "korean": true, "china": true, "chinese": true, "russian": true, "iran": true,
	"iranian": true, "syrian": true, "hong": true, "kong": true, "overseas": true, "joint": true,
	"venture": true, "chosun": true, "choson": true,
}

// numberWords maps number words (English, and ordinals) to digits.
var numberWords = map[string]string{
	"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
	"seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
	"thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
	"eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
	"hundred": "100", "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5",
	"sixth": "6", "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10",
}

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

// particleForms folds spelling variants of name particles to one form.
var particleForms = map[string]string{
	"ibn": "bin", "ben": "bin", "bint": "bin", "binti": "bin", "binte": "bin", "bte": "bin",
	"el": "al", "ul": "al",
}

// abbreviations expands common abbreviated organisation words.
var abbreviations = map[string]string{
	"intl": "international", "int": "international", "natl": "national", "mfg": "manufacturing",
	"bros": "brothers", "assn": "association", "assoc": "association", "dept": "department",
	"univ": "university", "inst": "institute", "tech": "technology", "ind": "industrial",
	"indus": "industrial", "engg": "engineering", "svc": "service", "svcs": "services",
	"mgmt": "management", "dev": "development", "ctr": "center", "st": "saint", "hldgs": "holdings",
}

// tensWords are the number words that combine with a following unit
// ("forty four" = 44).
var tensWords = map[string]int{"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}

// unitWords are the number words one to nine.
var unitWords = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
