// Functions lowbit-compile refuses (errors.test).
func.func @dynamic(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %a : tensor<?x4xf32>
}

func.func @scalar(%a: f32) -> f32 {
  return %a : f32
}
