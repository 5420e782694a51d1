package lab

// For the benchmarks of package lab_test, which play the real scenarios.

type SentPanels = sentPanels

func NewSentPanels() *SentPanels { return newSentPanels() }

// ChangedJSON encodes the current frame without the panels sent says its
// client has, as a session does.
func (r *Run) ChangedJSON(sent *SentPanels) ([]byte, error) { return r.json(true, sent) }
