package server

import (
	_ "embed"
	"net/http"
)

// openAPI is the OpenAPI 3 document of the API.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the OpenAPI 3 document (JSON) describing the API.
func OpenAPI() []byte { return append([]byte(nil), openAPI...) }

// handleOpenAPI serves the OpenAPI document.
func handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
}
