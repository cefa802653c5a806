// tile.view with bit planes, run by lowbit-run on fresh random codes: each block packs its codes
// into planar words and unpacks them again, for 3-bit codes in planes [2, 1] and 7-bit codes in
// planes [4, 2, 1]. The unpacked codes are compared with lowbit.dequantize of the same codes
// (unit scales), the words of the SIMD lowering (1 and 2 threads) with those of the SIMT
// emulation (--simd=never), which computes them by other arithmetic.
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=2x256xui3 --seed=%seed1 -o %t/c3.npy
// RUN: lowbit-npy random --type=2x256xui7 --seed=%seed2 -o %t/c7.npy
// RUN: lowbit-npy random --type=2xf32 --min=1 --max=1 --seed=%seed3 -o %t/one.npy
// RUN: lowbit-run %s --function=reference --engine=reference --input=@%t/c3.npy --input=@%t/c7.npy --input=@%t/one.npy --output=@%t/r3.npy --output=@%t/r7.npy
// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=planes --input=@%t/c3.npy --input=@%t/c7.npy --output=@%t/w3a.npy --output=@%t/y3a.npy --output=@%t/w7a.npy --output=@%t/y7a.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=planes --input=@%t/c3.npy --input=@%t/c7.npy --output=@%t/w3b.npy --output=@%t/y3b.npy --output=@%t/w7b.npy --output=@%t/y7b.npy
// RUN: lowbit-run %s --function=planes --simd=never --input=@%t/c3.npy --input=@%t/c7.npy --output=@%t/w3e.npy --output=@%t/y3e.npy --output=@%t/w7e.npy --output=@%t/y7e.npy
// RUN: lowbit-npy compare %t/r3.npy %t/y3a.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=CODES
// RUN: lowbit-npy compare %t/r3.npy %t/y3b.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=CODES
// RUN: lowbit-npy compare %t/r3.npy %t/y3e.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=CODES
// RUN: lowbit-npy compare %t/r7.npy %t/y7a.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=CODES
// RUN: lowbit-npy compare %t/r7.npy %t/y7b.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=CODES
// RUN: lowbit-npy compare %t/r7.npy %t/y7e.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=CODES
// CODES: compare: 512 elements, max abs error 0
// RUN: lowbit-npy compare %t/w3e.npy %t/w3a.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=W3
// RUN: lowbit-npy compare %t/w3e.npy %t/w3b.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=W3
// W3: compare: 48 elements, max abs error 0
// RUN: lowbit-npy compare %t/w7e.npy %t/w7a.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=W7
// RUN: lowbit-npy compare %t/w7e.npy %t/w7b.npy --atol=0 --rtol=0 | FileCheck %s --check-prefix=W7
// W7: compare: 112 elements, max abs error 0

// Block r packs row r: 8 workers, 32 codes each (3 or 7 words).
#Codes = #tile.layout<spatial(1,8).local(1,32)>
#Bytes3 = #tile.layout<spatial(1,8).local(1,12)>
#Bytes7 = #tile.layout<spatial(1,8).local(1,28)>
#Words3 = #tile.layout<spatial(1,8).local(1,3)>
#Words7 = #tile.layout<spatial(1,8).local(1,7)>

tile.kernel @planes_kernel(%c3: memref<?xi8>, %c7: memref<?xi8>, %w3: memref<?xi32>,
                           %y3: memref<?xf32>, %w7: memref<?xi32>, %y7: memref<?xf32>)
    grid [2] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c24 = arith.constant 24 : index
  %c56 = arith.constant 56 : index
  %c96 = arith.constant 96 : index
  %c224 = arith.constant 224 : index
  %c256 = arith.constant 256 : index
  %r = tile.block_index 0
  %vc3 = tile.global_view %c3 sizes(%c2, %c96) strides(%c96, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vc7 = tile.global_view %c7 sizes(%c2, %c224) strides(%c224, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %vw3 = tile.global_view %w3 sizes(%c2, %c24) strides(%c24, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vw7 = tile.global_view %w7 sizes(%c2, %c56) strides(%c56, %c1) : memref<?xi32> -> !tile.global<?x?xi32>
  %vy3 = tile.global_view %y3 sizes(%c2, %c256) strides(%c256, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vy7 = tile.global_view %y7 sizes(%c2, %c256) strides(%c256, %c1) : memref<?xf32> -> !tile.global<?x?xf32>

  %b3 = tile.load_global %vc3[%r, %c0] : !tile.global<?x?xi8> -> !tile.reg<1x96xi8, #Bytes3>
  %k3 = tile.view %b3 : !tile.reg<1x96xi8, #Bytes3> -> !tile.reg<1x256xui3, #Codes>
  %p3 = tile.view %k3 planes [2, 1] : !tile.reg<1x256xui3, #Codes> -> !tile.reg<1x24xi32, #Words3>
  tile.store_global %p3, %vw3[%r, %c0] : !tile.reg<1x24xi32, #Words3>, !tile.global<?x?xi32>
  %u3 = tile.view %p3 planes [2, 1] : !tile.reg<1x24xi32, #Words3> -> !tile.reg<1x256xui3, #Codes>
  %f3 = tile.cast %u3 : !tile.reg<1x256xui3, #Codes> -> !tile.reg<1x256xf32, #Codes>
  tile.store_global %f3, %vy3[%r, %c0] : !tile.reg<1x256xf32, #Codes>, !tile.global<?x?xf32>

  %b7 = tile.load_global %vc7[%r, %c0] : !tile.global<?x?xi8> -> !tile.reg<1x224xi8, #Bytes7>
  %k7 = tile.view %b7 : !tile.reg<1x224xi8, #Bytes7> -> !tile.reg<1x256xui7, #Codes>
  %p7 = tile.view %k7 planes [4, 2, 1] : !tile.reg<1x256xui7, #Codes> -> !tile.reg<1x56xi32, #Words7>
  tile.store_global %p7, %vw7[%r, %c0] : !tile.reg<1x56xi32, #Words7>, !tile.global<?x?xi32>
  %u7 = tile.view %p7 planes [4, 2, 1] : !tile.reg<1x56xi32, #Words7> -> !tile.reg<1x256xui7, #Codes>
  %f7 = tile.cast %u7 : !tile.reg<1x256xui7, #Codes> -> !tile.reg<1x256xf32, #Codes>
  tile.store_global %f7, %vy7[%r, %c0] : !tile.reg<1x256xf32, #Codes>, !tile.global<?x?xf32>
  tile.return
}

func.func @planes(%c3: tensor<2x256xui3>, %c7: tensor<2x256xui7>)
    -> (tensor<2x24xi32>, tensor<2x256xf32>, tensor<2x56xi32>, tensor<2x256xf32>) {
  %p3 = lowbit.pack %c3 : tensor<2x256xui3> -> tensor<2x96xi8>
  %m3 = bufferization.to_buffer %p3 read_only : tensor<2x96xi8> to memref<2x96xi8>
  %f3 = memref.collapse_shape %m3 [[0, 1]] : memref<2x96xi8> into memref<192xi8>
  %d3 = memref.cast %f3 : memref<192xi8> to memref<?xi8>
  %p7 = lowbit.pack %c7 : tensor<2x256xui7> -> tensor<2x224xi8>
  %m7 = bufferization.to_buffer %p7 read_only : tensor<2x224xi8> to memref<2x224xi8>
  %f7 = memref.collapse_shape %m7 [[0, 1]] : memref<2x224xi8> into memref<448xi8>
  %d7 = memref.cast %f7 : memref<448xi8> to memref<?xi8>
  %mw3 = memref.alloc() : memref<2x24xi32>
  %fw3 = memref.collapse_shape %mw3 [[0, 1]] : memref<2x24xi32> into memref<48xi32>
  %dw3 = memref.cast %fw3 : memref<48xi32> to memref<?xi32>
  %my3 = memref.alloc() : memref<2x256xf32>
  %fy3 = memref.collapse_shape %my3 [[0, 1]] : memref<2x256xf32> into memref<512xf32>
  %dy3 = memref.cast %fy3 : memref<512xf32> to memref<?xf32>
  %mw7 = memref.alloc() : memref<2x56xi32>
  %fw7 = memref.collapse_shape %mw7 [[0, 1]] : memref<2x56xi32> into memref<112xi32>
  %dw7 = memref.cast %fw7 : memref<112xi32> to memref<?xi32>
  %my7 = memref.alloc() : memref<2x256xf32>
  %fy7 = memref.collapse_shape %my7 [[0, 1]] : memref<2x256xf32> into memref<512xf32>
  %dy7 = memref.cast %fy7 : memref<512xf32> to memref<?xf32>
  tile.launch @planes_kernel(%d3, %d7, %dw3, %dy3, %dw7, %dy7)
    : (memref<?xi8>, memref<?xi8>, memref<?xi32>, memref<?xf32>, memref<?xi32>, memref<?xf32>) -> ()
  %w3 = bufferization.to_tensor %mw3 restrict : memref<2x24xi32> to tensor<2x24xi32>
  %y3 = bufferization.to_tensor %my3 restrict : memref<2x256xf32> to tensor<2x256xf32>
  %w7 = bufferization.to_tensor %mw7 restrict : memref<2x56xi32> to tensor<2x56xi32>
  %y7 = bufferization.to_tensor %my7 restrict : memref<2x256xf32> to tensor<2x256xf32>
  return %w3, %y3, %w7, %y7 : tensor<2x24xi32>, tensor<2x256xf32>, tensor<2x56xi32>, tensor<2x256xf32>
}

// The codes as values: unit scales.
func.func @reference(%c3: tensor<2x256xui3>, %c7: tensor<2x256xui7>, %one: tensor<2xf32>)
    -> (tensor<2x256xf32>, tensor<2x256xf32>) {
  %r3 = lowbit.dequantize %c3 scale(%one)
          {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
          : (tensor<2x256xui3>, tensor<2xf32>) -> tensor<2x256xf32>
  %r7 = lowbit.dequantize %c7 scale(%one)
          {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32>}
          : (tensor<2x256xui7>, tensor<2xf32>) -> tensor<2x256xf32>
  return %r3, %r7 : tensor<2x256xf32>, tensor<2x256xf32>
}
