# Helpers for the consumer checks in .ci/steps (source it from the repository root).

if ! command -v go >/dev/null 2>&1; then
  export PATH="$PATH:/usr/local/go/bin"
fi

# ci_tmpdir: sets CI_TMP to a temporary directory, removed when the step
# exits. Call it directly, not in $(...): the trap must be the step's.
ci_tmpdir() {
  CI_TMP=$(mktemp -d)
  trap 'rm -rf "$CI_TMP"' EXIT
}

# ci_build_screen OUT: build the screen binary (with VCS information when
# the checkout has it).
ci_build_screen() {
  go build -o "$1" ./cmd/screen
}

# ci_need CMD APT-PACKAGE...: install the Debian packages when CMD is missing.
ci_need() {
  local cmd="$1"
  shift
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "installing $* (for $cmd)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

# ci_npm DIR PACKAGE@VERSION...: install pinned npm packages into DIR.
ci_npm() {
  local dir="$1"
  shift
  ci_need npm nodejs npm
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --silent --no-save "$@" >/dev/null
}

# ci_consumer_input FILE: a shipment file whose ids and names start like
# spreadsheet formulas: a blocked row, a clear row classified into a DPRK
# category (context), a row held for review (invalid HS code), and a last
# row that cannot be read (a quote never closed), which is an error record.
ci_consumer_input() {
  cat >"$1" <<'CSV'
id,shipper,consignee,hs_code,description,origin_country,destination_country
=1+2,-2+3 Trading,Korea Mining Development Trading Corporation,847989,ore flotation machines,CN,KP
@SUM(A1),Saigon Garment Export Co,Berlin Mode GmbH,610910,cotton T-shirts,VN,DE
+cmd|' /C calc'!A0,Plain Bakery Ltd,Rhein Turbinen AG,28x8,cake,DE,FR
-5,"Unterminated Trading,Berlin Mode GmbH,610910,shirts,VN,DE
CSV
}
