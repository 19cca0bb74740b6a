package engine

import "github.com/screen-compliance/screen/names"

// Vocabulary returns the name vocabulary the current lists were indexed
// with (the built-in table, WithNameVocabulary files and policy data):
// names compared outside the engine, such as a portfolio's parties indexed
// for reverse screening, must be analysed with it to score as the engine
// scores.
func (e *Engine) Vocabulary() *names.Vocabulary { return e.cur.Load().index.Vocabulary() }

// MatchFloor returns the lowest score at which the engine reports a match
// now: the policy data's match floor, or WithMatchFloor.
func (e *Engine) MatchFloor() float64 { return e.cur.Load().floor }
