(module
  (type (;0;) (func (param i32) (result i64 f32 v128 i32 v128 v128)))
  (export "Hv" (func 0))
  (func (;0;) (type 0) (param i32) (result i64 f32 v128 i32 v128 v128)
    i64.const 0
    f32.const 0x1.73313cp+86 (;=112186000000000000000000000;)
    v128.const i32x4 0x00000040 0x00000000 0x00000000 0xffff8000
    i32.const 0
    v128.const i32x4 0xfffffc00 0xffffffff 0xffffffff 0xfffeffff
    v128.const i32x4 0xe686c9c3 0x931664f1 0x7ce45df1 0x80d7c2fb
  )
)
