(module
  (type (;0;) (func (param i32 funcref) (result externref)))
  (table (;0;) 0 33 funcref)
  (memory (;0;) 6 9)
  (export "D" (func 0))
  (func (;0;) (type 0) (param i32 funcref) (result externref)
    table.size 0
    local.tee 0
    local.get 0
    i32.store offset=293025 align=2
    ref.null extern
  )
)
