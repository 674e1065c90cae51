package webhook

import "time"

// Limits bound what a Dispatcher holds and how long a delivery may take.
type Limits struct {
	InFlight       int           // attempts in flight over all keys
	Queues         int           // keys with pending deliveries (one worker each)
	QueueLength    int           // pending deliveries of a key
	QueueBytes     int64         // body bytes pending for a key
	TotalBytes     int64         // body bytes pending over all keys
	AttemptTimeout time.Duration // the longest an attempt may take
	Retries        int           // the most retries a delivery may make
	Duration       time.Duration // the longest a delivery may take, first attempt to last
}

// DefaultLimits are the limits of a Dispatcher made without WithLimits.
func DefaultLimits() Limits {
	return Limits{
		InFlight:       64,
		Queues:         1024,
		QueueLength:    10000,
		QueueBytes:     8 << 20,
		TotalBytes:     64 << 20,
		AttemptTimeout: 30 * time.Second,
		Retries:        10,
		Duration:       10 * time.Minute,
	}
}

// WithLimits replaces the default limits; zero fields keep their default.
func WithLimits(l Limits) Option {
	return func(d *Dispatcher) {
		def := DefaultLimits()
		d.limits = Limits{
			InFlight:       orDefault(l.InFlight, def.InFlight),
			Queues:         orDefault(l.Queues, def.Queues),
			QueueLength:    orDefault(l.QueueLength, def.QueueLength),
			QueueBytes:     orDefault(l.QueueBytes, def.QueueBytes),
			TotalBytes:     orDefault(l.TotalBytes, def.TotalBytes),
			AttemptTimeout: orDefault(l.AttemptTimeout, def.AttemptTimeout),
			Retries:        orDefault(l.Retries, def.Retries),
			Duration:       orDefault(l.Duration, def.Duration),
		}
	}
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}
