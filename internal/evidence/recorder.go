package evidence

import "sync"

// Recorder collects exchanges as they happen; the probe takes them at the
// end of each stage. Transports may record from several goroutines.
type Recorder struct {
	mu        sync.Mutex
	exchanges []Exchange
	dropped   int
	// trace, when set, sees every exchange as it is added (--verbose).
	trace func(Exchange)
}

// NewRecorder returns a Recorder that also hands every exchange to trace,
// when it is not nil.
func NewRecorder(trace func(Exchange)) *Recorder { return &Recorder{trace: trace} }

// MaxExchangesPerStage bounds the evidence of a chatty server (one that
// logs a notification per line, say) without losing the count.
const MaxExchangesPerStage = 64

// Add records one exchange.
func (r *Recorder) Add(e Exchange) {
	if r.trace != nil {
		r.trace(e)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.exchanges) >= MaxExchangesPerStage {
		r.dropped++
		return
	}
	r.exchanges = append(r.exchanges, e)
}

// Take returns the exchanges recorded since the last Take, and how many were
// dropped over the cap.
func (r *Recorder) Take() ([]Exchange, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ex, dropped := r.exchanges, r.dropped
	r.exchanges, r.dropped = nil, 0
	return ex, dropped
}
