// Package goods classifies the goods and service lines of a record into the
// UN DPRK (1718 regime) measure categories and works out the direction of a
// movement relative to the DPRK.
//
// The category catalog is data (data/dprk.yaml, embedded; extensions via
// NewClassifier): each category has an id, a direction (import_from_dprk,
// export_to_dprk or both), a measure (ban, cap, licence, review or
// permitted), the resolution paragraph it rests on, the fact sheet's
// confidence mark (H, M, L), HS prefixes (each with its own measure and
// mark where the fact sheet says so) and a description vocabulary.
//
// A line is classified two ways:
//
//   - by its HS code (ParseHS: 2 to 10 digits, dots or spaces allowed,
//     national extensions matched by prefix): within a category the
//     longest matching prefix decides the measure; a code broader than a
//     prefix ("27" against "2701") selects the category for review only;
//   - by its description: words are folded (case, diacritics, plurals,
//     British/American spellings) and matched against the vocabularies,
//     exactly or within one or two typos (Jaro-Winkler score, bounded by an
//     edit distance). A longer term beats the terms inside it ("aluminium
//     oxide" over "aluminium"), exclusion terms veto a category, and a
//     goods category named only by a modifier of the description rather
//     than its head word ("fruit" in "yoghurt with fruit") gets a reduced
//     confidence, so that policies review rather than block on it.
//
// With a valid HS code, description categories the code cannot belong to
// are dropped, unless none fits: then they are kept at reduced confidence
// and the pseudo-category hs_description_mismatch flags the line.
//
// Route reads origin, ports, transshipment points and party countries
// (DPRK places and spellings in data/places.yaml, UN/LOCODEs KPxxx) and
// reports whether the movement goes to or comes from the DPRK, with
// evidence pointers for the policies, the DPRK flag of vessels, ship-to-ship
// mentions and exemption or notification references.
//
// The package only classifies; the Rego policies decide.
package goods
