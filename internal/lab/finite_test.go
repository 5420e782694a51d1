package lab

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// divergedState is a state with non-finite values at every depth JSON
// reaches: a field, a slice, a map, a pointer, an embedded struct.
type divergedState struct {
	Loss    float64            `json:"loss"`
	Weights [][]float64        `json:"weights"`
	ByName  map[string]float64 `json:"by_name"`
	Best    *float64           `json:"best"`
	Inner   struct {
		Bias float32 `json:"bias"`
	} `json:"inner"`
	Fine   []float64 `json:"fine"`
	hidden float64
}

func TestNonFiniteStateEncodesAsNull(t *testing.T) {
	inf := math.Inf(1)
	s := divergedState{Loss: math.NaN(), Weights: [][]float64{{1, inf}, {math.Inf(-1), 2}},
		ByName: map[string]float64{"a": 1, "b": math.NaN()}, Best: &inf, Fine: []float64{0.5}, hidden: math.NaN()}
	s.Inner.Bias = float32(math.Inf(1))
	b, err := encodeFrame(Frame{Type: "frame", Step: 3, State: s, Metrics: Metrics{"loss": math.NaN()}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"frame","step":3,"done":false,"metrics":{"loss":null},"state":{"loss":null,"weights":[[1,null],[null,2]],"by_name":{"a":1,"b":null},"best":null,"inner":{"bias":null},"fine":[0.5]}}`
	if string(b) != want {
		t.Errorf("frame\n got %s\nwant %s", b, want)
	}
	// The live state is the model's: encoding must not change it.
	if !math.IsInf(s.Weights[0][1], 1) || !math.IsNaN(s.ByName["b"]) || !math.IsInf(*s.Best, 1) {
		t.Errorf("encoding changed the model's state: %+v", s)
	}
}

// A finite state encodes exactly as encoding/json does, with < and > kept.
func TestFiniteStateEncodesAsBefore(t *testing.T) {
	s := map[string]any{"w": []float64{1.5, -2}, "svg": "<svg>"}
	b, err := encodeFrame(Frame{Type: "frame", State: s})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"frame","step":0,"done":false,"metrics":{},"state":{"svg":"<svg>","w":[1.5,-2]}}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil || !strings.Contains(string(b), "<svg>") {
		t.Errorf("not valid JSON or escaped: %v", err)
	}
}
