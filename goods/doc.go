// Package goods classifies the goods and service lines of a record into the
// UN DPRK (1718 regime) measure categories and works out the direction of a
// movement relative to the DPRK.
//
// The category catalog is data (data/dprk.yaml, embedded): each category has
// an id, a direction (import_from_dprk, export_to_dprk or both), a measure
// (ban, cap, licence, review or permitted), the resolution paragraph it rests
// on, a confidence mark (H, M, L) and the HS prefixes and description
// vocabulary that select it. A line is classified by its HS code (longest
// catalog prefix wins within a category) and by its description (a token
// matcher with Jaro-Winkler tolerance for misspellings). A description that
// points away from the declared HS code yields the pseudo-category
// hs_description_mismatch.
//
// The package only classifies; the Rego policies decide, combining the
// categories with the route facts from Route.
package goods
