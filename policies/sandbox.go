package policies

import (
	"github.com/open-policy-agent/opa/v1/ast"
)

// The sandbox: policies (the embedded bundle and every -p directory) may
// call only the built-ins allowedBuiltins names. Every built-in of OPA's
// own capabilities is named either there or in deniedBuiltins, one by one,
// with no wildcard: TestEveryBuiltinClassified fails when a new OPA version
// brings a built-in that is in neither list, so an upgrade cannot open a way
// out of the sandbox without someone deciding.
//
// Denied are the built-ins that reach outside the process (network, files,
// environment), that are not deterministic (clock, randomness), and those
// screening has no use for whose parsers are large (JWT, X.509, GraphQL,
// cloud request signing). json.match_schema and json.verify_schema are
// denied because a schema's "$ref" loads file:// URLs from the disk (and
// http:// URLs when allow_net permits). On top of that, allow_net is empty:
// no built-in may reach any host.

// allowedBuiltins are the built-ins policies may call: pure functions of
// their arguments.
func allowedBuiltins() []string {
	return []string{
		"abs", "all", "and", "any", "array.concat", "array.flatten", "array.reverse", "array.slice", "assign",
		"base64.decode", "base64.encode", "base64.is_valid", "base64url.decode", "base64url.encode",
		"base64url.encode_no_pad", "bits.and", "bits.lsh", "bits.negate", "bits.or", "bits.rsh", "bits.xor",
		"cast_array", "cast_boolean", "cast_null", "cast_object", "cast_set", "cast_string", "ceil", "concat",
		"contains", "count", "crypto.hmac.equal", "crypto.hmac.md5", "crypto.hmac.sha1", "crypto.hmac.sha256",
		"crypto.hmac.sha512", "crypto.md5", "crypto.sha1", "crypto.sha256", "div", "endswith", "eq", "equal",
		"floor", "format_int", "glob.match", "glob.quote_meta", "graph.reachable", "graph.reachable_paths", "gt",
		"gte", "hex.decode", "hex.encode", "indexof", "indexof_n", "internal.member_2", "internal.member_3",
		"internal.print", "internal.template_string", "internal.test_case", "intersection", "is_array", "is_boolean",
		"is_null", "is_number", "is_object", "is_set", "is_string", "json.filter", "json.is_valid", "json.marshal",
		"json.marshal_with_options", "json.patch", "json.remove", "json.unmarshal", "lower", "lt", "lte", "max",
		"min", "minus", "mul", "neq", "numbers.range", "numbers.range_step", "object.filter", "object.get",
		"object.keys", "object.remove", "object.subset", "object.union", "object.union_n", "or", "plus", "print",
		"product", "re_match", "regex.find_all_string_submatch_n", "regex.find_n", "regex.globs_match",
		"regex.is_valid", "regex.match", "regex.replace", "regex.split", "regex.template_match",
		"rego.metadata.chain", "rego.metadata.rule", "rego.parse_module", "rem", "replace", "round",
		"semver.compare", "semver.is_valid", "set_diff", "sort", "split", "sprintf", "startswith",
		"strings.any_prefix_match", "strings.any_suffix_match", "strings.count", "strings.render_template",
		"strings.replace_n", "strings.reverse", "strings.split_n", "substring", "sum", "time.add_date", "time.clock",
		"time.date", "time.diff", "time.format", "time.parse_duration_ns", "time.parse_ns", "time.parse_rfc3339_ns",
		"time.weekday", "to_number", "trace", "trim", "trim_left", "trim_prefix", "trim_right", "trim_space",
		"trim_suffix", "type_name", "union", "units.parse", "units.parse_bytes", "upper", "uri.is_valid",
		"uri.parse", "urlquery.decode", "urlquery.decode_object", "urlquery.encode", "urlquery.encode_object",
		"uuid.parse", "walk", "yaml.is_valid", "yaml.marshal", "yaml.unmarshal",
	}
}

// Why built-ins are denied.
const (
	whyNetwork  = "reaches the network"
	whyRef      = `resolves a schema "$ref": reads file:// URLs from disk and fetches http:// URLs`
	whyClock    = "reads the clock or randomness: not deterministic"
	whyEnv      = "exposes the process environment and configuration"
	whyX509     = "X.509 and key parsing: not needed for screening (parse_and_verify also reads the clock)"
	whyJWT      = "JWT decoding, verification and signing: not needed (signing is random, verification reads the clock)"
	whyGraphQL  = "GraphQL parsing: not needed, large parser"
	whyCIDR     = "network address sets: not needed (cidr_expand builds sets of any size)"
	whyProvider = "cloud request signing: not needed, reads the clock and credentials"
)

// deniedBuiltins are the built-ins policies may not call, with the reason.
func deniedBuiltins() map[string]string {
	return map[string]string{
		"http.send":          whyNetwork,
		"net.lookup_ip_addr": whyNetwork,
		"json.match_schema":  whyRef,
		"json.verify_schema": whyRef,
		"opa.runtime":        whyEnv,
		"time.now_ns":        whyClock,
		"rand.intn":          whyClock,
		"uuid.rfc4122":       whyClock,

		"crypto.parse_private_keys":                              whyX509,
		"crypto.x509.parse_and_verify_certificates":              whyX509,
		"crypto.x509.parse_and_verify_certificates_with_options": whyX509,
		"crypto.x509.parse_certificate_request":                  whyX509,
		"crypto.x509.parse_certificates":                         whyX509,
		"crypto.x509.parse_keypair":                              whyX509,
		"crypto.x509.parse_rsa_private_key":                      whyX509,

		"io.jwt.decode":          whyJWT,
		"io.jwt.decode_verify":   whyJWT,
		"io.jwt.encode_sign":     whyJWT,
		"io.jwt.encode_sign_raw": whyJWT,
		"io.jwt.verify_eddsa":    whyJWT,
		"io.jwt.verify_es256":    whyJWT,
		"io.jwt.verify_es384":    whyJWT,
		"io.jwt.verify_es512":    whyJWT,
		"io.jwt.verify_hs256":    whyJWT,
		"io.jwt.verify_hs384":    whyJWT,
		"io.jwt.verify_hs512":    whyJWT,
		"io.jwt.verify_ps256":    whyJWT,
		"io.jwt.verify_ps384":    whyJWT,
		"io.jwt.verify_ps512":    whyJWT,
		"io.jwt.verify_rs256":    whyJWT,
		"io.jwt.verify_rs384":    whyJWT,
		"io.jwt.verify_rs512":    whyJWT,

		"graphql.is_valid":         whyGraphQL,
		"graphql.parse":            whyGraphQL,
		"graphql.parse_and_verify": whyGraphQL,
		"graphql.parse_query":      whyGraphQL,
		"graphql.parse_schema":     whyGraphQL,
		"graphql.schema_is_valid":  whyGraphQL,

		"net.cidr_contains":         whyCIDR,
		"net.cidr_contains_matches": whyCIDR,
		"net.cidr_expand":           whyCIDR,
		"net.cidr_intersects":       whyCIDR,
		"net.cidr_is_valid":         whyCIDR,
		"net.cidr_merge":            whyCIDR,
		"net.cidr_overlap":          whyCIDR,

		"providers.aws.sign_req": whyProvider,
	}
}

// capabilities are OPA's capabilities with only the allowed built-ins (a
// built-in OPA added since allowedBuiltins was written is left out until
// someone classifies it), and allow_net empty: no host may be reached,
// whatever tries.
func capabilities() *ast.Capabilities {
	allowed := make(map[string]bool, 200)
	for _, n := range allowedBuiltins() {
		allowed[n] = true
	}
	caps := ast.CapabilitiesForThisVersion()
	kept := make([]*ast.Builtin, 0, len(allowed))
	for _, b := range caps.Builtins {
		if allowed[b.Name] {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	caps.AllowNet = []string{}
	return caps
}
