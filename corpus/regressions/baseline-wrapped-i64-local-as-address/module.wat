(module
  (type (;0;) (func (param i64) (result f64)))
  (memory (;0;) 3 7)
  (export "" (func 0))
  (func (;0;) (type 0) (param i64) (result f64)
    local.get 0
    i32.wrap_i64
    i64.load16_u offset=65015
    unreachable
  )
)
