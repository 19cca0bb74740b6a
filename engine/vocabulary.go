package engine

import (
	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/names"
	"github.com/screen-compliance/screen/record"
)

// Vocabulary returns the name vocabulary the current lists were indexed
// with (the built-in table, WithNameVocabulary files and policy data):
// names compared outside the engine, such as a portfolio's parties indexed
// for reverse screening, must be analysed with it to score as the engine
// scores.
func (e *Engine) Vocabulary() *names.Vocabulary { return e.cur.Load().index.Vocabulary() }

// MatchFloor returns the lowest score at which the engine reports a match
// now: the policy data's match floor, or WithMatchFloor.
func (e *Engine) MatchFloor() float64 { return e.cur.Load().floor }

// PartyQuery is the name query the engine screens a party with: its name,
// kind, country code, date of birth, and its IMO number and identifier as
// identifiers.
func PartyQuery(p record.Party) names.Query {
	q := names.Query{Name: p.Name, Kind: entity.Kind(p.Kind), Country: country.Code(p.Country), DOB: p.DOB}
	if p.IMO != "" {
		q.IDs = append(q.IDs, "IMO"+p.IMO)
		q.IMO = p.IMO
	}
	if p.IDNumber != "" {
		q.IDs = append(q.IDs, p.IDNumber)
	}
	return q
}
