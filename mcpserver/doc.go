// Package mcpserver serves screen over the Model Context Protocol with the
// official Go SDK (github.com/modelcontextprotocol/go-sdk): tools that screen
// a party or a shipment record, explain a decision, fetch a list entity and
// list the loaded lists. `screen mcp` serves it over stdio and `screen serve`
// over streamable HTTP at /mcp, behind the API's bearer token.
package mcpserver

import "github.com/modelcontextprotocol/go-sdk/mcp"

// Implementation names this server in the MCP initialize handshake.
var _ = mcp.Implementation{}
