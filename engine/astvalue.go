package engine

import (
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/screen-compliance/screen/policies"
)

// valueEncoder turns the policy input into the OPA value the policies see
// (policies.Input.Value: the value of its JSON form, built without JSON
// text or reflection). Engine.screen leaves the encoding to
// Policy.EvaluateInput, which encodes only when the memo does not answer;
// tests use it to look at the input as the rules do.
type valueEncoder struct{}

func (valueEncoder) encode(in policies.Input) (ast.Value, error) { return in.Value() }
