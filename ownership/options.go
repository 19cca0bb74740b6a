package ownership

import (
	"encoding/json"
	"fmt"
	"time"
)

// Regimes: which ownership rule a list's designations trigger.
const (
	// RegimeOFAC applies OFAC's 50 % rule: aggregate holdings of blocked
	// persons at or above BlockPercent block the entity (and cascade).
	RegimeOFAC = "ofac"
	// RegimeEU, RegimeUK and RegimeUN apply an "owned or controlled" test:
	// holdings above ControlPercent, or control, lead to review.
	RegimeEU = "eu"
	RegimeUK = "uk"
	RegimeUN = "un"
	// RegimeOther is for lists with no stated ownership rule (OpenSanctions,
	// own watchlists, ...): the same test as EU/UK, review only.
	RegimeOther = "other"
)

// Options configures Build. The zero value of a field means its default;
// the engine fills them from policy data (data.screen.params.ownership)
// with ParseParams.
type Options struct {
	// BlockPercent is OFAC's level: aggregate blocked ownership at or above
	// it blocks (default 50).
	BlockPercent float64
	// ReviewPercent is the level at or above which blocked ownership below
	// BlockPercent leads to review (default 25).
	ReviewPercent float64
	// ControlPercent is the EU/UK/UN level: ownership above it means
	// "owned" (default 50).
	ControlPercent float64
	// ResolveScore is the lowest name-match score at which a name in an
	// ownership file is taken to be a list entity (default 0.92); a match
	// at or above ResolveReview but below it makes the node a possible
	// listed party, which leads to review, never to clear (default 0.80).
	ResolveScore  float64
	ResolveReview float64
	// Regimes maps list names (entity.Metadata.Name / Entity.List) to a
	// regime; lists not named get RegimeOther. Default: DefaultRegimes.
	Regimes map[string]string
	// Labels maps list names to the short label shown in explanations
	// ("SDN"); default DefaultLabels, else the list name upper-cased.
	Labels map[string]string
	// Resolver matches names to list entities (default: exact equality of
	// NameKey).
	Resolver Resolver
	// AsOf is the date (YYYY-MM-DD) holdings are judged at: holdings that
	// ended before it, or start after it, do not count. Default: today.
	AsOf string
	// Now gives today's date when AsOf is empty (tests pin it).
	Now func() time.Time
}

// DefaultRegimes maps the list names screen knows to their regimes.
func DefaultRegimes() map[string]string {
	return map[string]string{
		"ofac": RegimeOFAC, "un": RegimeUN, "builtin": RegimeUN, "eu": RegimeEU, "uk": RegimeUK,
	}
}

// DefaultLabels are the short list labels shown in explanations.
func DefaultLabels() map[string]string {
	return map[string]string{
		"ofac": "SDN", "ofaccons": "OFAC non-SDN", "un": "UN", "builtin": "UN", "eu": "EU", "uk": "UK",
		"bis": "BIS DPL", "os": "OpenSanctions", "own": "own watchlist",
	}
}

// withDefaults fills the zero fields.
func (o Options) withDefaults() Options {
	if o.BlockPercent <= 0 {
		o.BlockPercent = 50
	}
	if o.ReviewPercent <= 0 {
		o.ReviewPercent = 25
	}
	if o.ControlPercent <= 0 {
		o.ControlPercent = 50
	}
	if o.ResolveScore <= 0 {
		o.ResolveScore = 0.92
	}
	if o.ResolveReview <= 0 || o.ResolveReview > o.ResolveScore {
		o.ResolveReview = min(0.80, o.ResolveScore)
	}
	if o.Regimes == nil {
		o.Regimes = DefaultRegimes()
	}
	if o.Labels == nil {
		o.Labels = DefaultLabels()
	}
	if o.AsOf == "" {
		now := time.Now
		if o.Now != nil {
			now = o.Now
		}
		o.AsOf = now().UTC().Format("2006-01-02")
	}
	return o
}

// Params is data.screen.params.ownership of the policy data.
type Params struct {
	BlockPercent   float64           `json:"block_percent"`
	ReviewPercent  float64           `json:"review_percent"`
	ControlPercent float64           `json:"control_percent"`
	ResolveScore   float64           `json:"resolve_score"`
	ResolveReview  float64           `json:"resolve_review"`
	Regimes        map[string]string `json:"regimes"`
	Labels         map[string]string `json:"labels"`
}

// ParseParams reads data.screen.params.ownership (as decoded JSON, a
// map[string]any, or raw JSON bytes) into Options, checking the levels.
// Fields it does not set keep their defaults.
func ParseParams(v any) (Options, error) {
	var b []byte
	switch x := v.(type) {
	case nil:
		return Options{}, nil
	case []byte:
		b = x
	case json.RawMessage:
		b = x
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			return Options{}, fmt.Errorf("policy data screen.params.ownership: %w", err)
		}
	}
	var p Params
	if err := json.Unmarshal(b, &p); err != nil {
		return Options{}, fmt.Errorf("policy data screen.params.ownership: %w", err)
	}
	o := Options{
		BlockPercent: p.BlockPercent, ReviewPercent: p.ReviewPercent, ControlPercent: p.ControlPercent,
		ResolveScore: p.ResolveScore, ResolveReview: p.ResolveReview,
	}
	if len(p.Regimes) > 0 {
		o.Regimes = p.Regimes
		for l, r := range p.Regimes {
			switch r {
			case RegimeOFAC, RegimeEU, RegimeUK, RegimeUN, RegimeOther:
			default:
				return o, fmt.Errorf("policy data screen.params.ownership.regimes.%s: %q (want ofac, eu, uk, un or other)", l, r)
			}
		}
	}
	if len(p.Labels) > 0 {
		o.Labels = DefaultLabels()
		for k, v := range p.Labels {
			o.Labels[k] = v
		}
	}
	d := o.withDefaults()
	switch {
	case d.BlockPercent > 100:
		return o, fmt.Errorf("policy data screen.params.ownership.block_percent: %v is above 100", d.BlockPercent)
	case d.ReviewPercent > d.BlockPercent:
		return o, fmt.Errorf("policy data screen.params.ownership: review_percent (%v) is above block_percent (%v)", d.ReviewPercent, d.BlockPercent)
	case d.ControlPercent > 100:
		return o, fmt.Errorf("policy data screen.params.ownership.control_percent: %v is above 100", d.ControlPercent)
	case d.ResolveScore > 1:
		return o, fmt.Errorf("policy data screen.params.ownership.resolve_score: %v is above 1", d.ResolveScore)
	}
	return o, nil
}
