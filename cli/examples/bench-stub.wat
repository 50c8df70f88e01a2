;; The two imports every sightglass program makes, as a module to preload:
;; `crucible run --preload bench=bench-stub.wat --dir .::. benchmark.wasm`.
;; They mark where the measured work starts and ends; a runner that times
;; it implements them with clocks (`cargo run --release -p benches -- sightglass`).
(module
  (func (export "start"))
  (func (export "end")))
