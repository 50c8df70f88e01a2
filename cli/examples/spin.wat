;; Loops forever: run it with --fuel to see metering stop it.
(module
  (func (export "spin")
    (loop $forever (br $forever))))
