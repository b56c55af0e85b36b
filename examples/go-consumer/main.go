// Command go-consumer is a hyperflow consumer in another language: it subscribes to a running
// stack's trade and order subjects and validates every message against the JSON Schemas that
// packages/contracts generates from the TypeScript contracts.
//
//	echo "$NATS_OPERATOR_PASSWORD" | go-consumer -url nats://127.0.0.1:4222 -user operator -net sim \
//	    -schemas packages/contracts/schemas -duration 30s
//
// The password is read from stdin (one line), never from the command line. It prints one line with
// the counts and exits 1 on any schema failure, or when a subject family got fewer than -min messages.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/xeipuuv/gojsonschema"
)

// family is one subscription and the schema its messages must satisfy.
type family struct {
	name    string // short name for the report: md.trade, exec.order
	subject string
	schema  string // file name under -schemas
}

func main() {
	url := flag.String("url", nats.DefaultURL, "NATS server URL")
	user := flag.String("user", "operator", "NATS user (its password is read from stdin)")
	net := flag.String("net", "sim", "network segment of the subjects: mainnet, testnet or sim")
	schemas := flag.String("schemas", "packages/contracts/schemas", "directory of the generated JSON Schemas")
	duration := flag.Duration("duration", 30*time.Second, "how long to listen")
	min := flag.Int("min", 0, "fail when a subject family receives fewer messages than this")
	flag.Parse()

	password, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && password == "" {
		fail("reading the NATS password from stdin: %v", err)
	}
	families := []family{
		{"md.trade", fmt.Sprintf("hl.%s.md.trade.>", *net), "MarketEvent.json"},
		{"exec.order", fmt.Sprintf("hl.%s.exec.order.>", *net), "OrderEvent.json"},
	}
	compiled := map[string]*gojsonschema.Schema{}
	for _, f := range families {
		s, err := loadSchema(filepath.Join(*schemas, f.schema))
		if err != nil {
			fail("%s: %v", f.schema, err)
		}
		compiled[f.name] = s
	}

	nc, err := nats.Connect(*url, nats.UserInfo(*user, strings.TrimRight(password, "\r\n")), nats.Name("go-consumer"))
	if err != nil {
		fail("connecting to %s: %v", *url, err)
	}
	defer nc.Close()

	var mu sync.Mutex
	counts := map[string]int{}
	failures := 0
	for _, f := range families {
		f := f
		_, err := nc.Subscribe(f.subject, func(m *nats.Msg) {
			result, err := compiled[f.name].Validate(gojsonschema.NewBytesLoader(m.Data))
			mu.Lock()
			defer mu.Unlock()
			counts[f.name]++
			if err != nil || !result.Valid() {
				failures++
				if failures <= 5 {
					fmt.Fprintf(os.Stderr, "go-consumer: schema failure on %s: %s\n  %s\n", m.Subject, describe(result, err), truncate(m.Data))
				}
			}
		})
		if err != nil {
			fail("subscribing to %s: %v", f.subject, err)
		}
	}
	if err := nc.Flush(); err != nil {
		fail("flushing the subscriptions: %v", err)
	}
	if err := nc.LastError(); err != nil {
		fail("subscriptions refused: %v", err)
	}
	time.Sleep(*duration)
	_ = nc.Drain()

	mu.Lock()
	defer mu.Unlock()
	total := 0
	parts := []string{}
	short := false
	for _, f := range families {
		total += counts[f.name]
		parts = append(parts, fmt.Sprintf("%s %d", f.name, counts[f.name]))
		if counts[f.name] < *min {
			short = true
		}
	}
	fmt.Printf("go-consumer: %d messages (%s), %d schema failures\n", total, strings.Join(parts, ", "), failures)
	if failures > 0 || short {
		os.Exit(1)
	}
}

// loadSchema compiles a generated schema. They are written in JSON Schema 2020-12 and gojsonschema
// knows drafts up to 7, so the few 2020-12 keywords they use are rewritten to their draft-7 form.
func loadSchema(path string) (*gojsonschema.Schema, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc interface{}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	sl := gojsonschema.NewSchemaLoader()
	sl.Draft = gojsonschema.Draft7
	sl.AutoDetect = false
	return sl.Compile(gojsonschema.NewGoLoader(toDraft7(doc)))
}

// toDraft7: prefixItems (+ items: false) → items [...] (+ additionalItems: false), $defs →
// definitions, and no $schema (it names 2020-12).
func toDraft7(node interface{}) interface{} {
	switch n := node.(type) {
	case map[string]interface{}:
		out := map[string]interface{}{}
		for k, v := range n {
			switch k {
			case "$schema":
			case "prefixItems":
				out["items"] = toDraft7(v)
				if n["items"] == false {
					out["additionalItems"] = false
				}
			case "items":
				if _, tuple := n["prefixItems"]; !tuple {
					out["items"] = toDraft7(v)
				}
			case "$defs":
				out["definitions"] = toDraft7(v)
			case "$ref":
				out[k] = strings.Replace(fmt.Sprint(v), "#/$defs/", "#/definitions/", 1)
			default:
				out[k] = toDraft7(v)
			}
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(n))
		for i, v := range n {
			out[i] = toDraft7(v)
		}
		return out
	default:
		return node
	}
}

func describe(r *gojsonschema.Result, err error) string {
	if err != nil {
		return err.Error()
	}
	msgs := []string{}
	for _, e := range r.Errors() {
		msgs = append(msgs, e.String())
	}
	sort.Strings(msgs)
	if len(msgs) > 3 {
		msgs = append(msgs[:3], fmt.Sprintf("… %d more", len(msgs)-3))
	}
	return strings.Join(msgs, "; ")
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "go-consumer: "+format+"\n", args...)
	os.Exit(2)
}
