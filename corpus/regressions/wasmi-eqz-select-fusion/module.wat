(module
  (global (mut i32) i32.const 1000)
  (func (export "f") (result i32)
    (local i32)
    global.get 0
    i32.eqz
    if
      unreachable
    end
    i32.const 7
    i32.const 1
    local.get 0
    local.get 0
    i32.eqz
    select
    i32.rem_u))
