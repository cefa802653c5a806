// tile.lookup in a table spread over the workers (a collective lookup), run by lowbit-run
// against lowbit.dequantize with the same table as a codebook operand, on fresh random codes
// and tables: a table spread as entry = local * 8 + lane (the vpermps tables as they are on
// AVX2), a table spread as entry = lane * 2 + local (gathered entry by entry), on 1 and 2
// threads and through the SIMT emulation (--simd=never).
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=16xf32 --min=-4 --max=4 --seed=%seed1 -o %t/t.npy
// RUN: lowbit-npy random --type=2x48xui4 --seed=%seed2 -o %t/c.npy
// RUN: lowbit-npy random --type=2xf32 --min=1 --max=1 --seed=%seed3 -o %t/one.npy
// RUN: lowbit-run %s --function=reference --engine=reference --input=@%t/c.npy --input=@%t/one.npy --input=@%t/t.npy --output=@%t/ref.npy
// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=lookup --input=@%t/t.npy --input=@%t/c.npy --output=@%t/a1.npy --output=@%t/b1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=lookup --input=@%t/t.npy --input=@%t/c.npy --output=@%t/a2.npy --output=@%t/b2.npy
// RUN: lowbit-run %s --function=lookup --simd=never --input=@%t/t.npy --input=@%t/c.npy --output=@%t/ae.npy --output=@%t/be.npy
// RUN: lowbit-npy compare %t/ref.npy %t/a1.npy --atol=0 --rtol=0 | FileCheck %s
// RUN: lowbit-npy compare %t/ref.npy %t/b1.npy --atol=0 --rtol=0 | FileCheck %s
// RUN: lowbit-npy compare %t/ref.npy %t/a2.npy --atol=0 --rtol=0 | FileCheck %s
// RUN: lowbit-npy compare %t/ref.npy %t/b2.npy --atol=0 --rtol=0 | FileCheck %s
// RUN: lowbit-npy compare %t/ref.npy %t/ae.npy --atol=0 --rtol=0 | FileCheck %s
// RUN: lowbit-npy compare %t/ref.npy %t/be.npy --atol=0 --rtol=0 | FileCheck %s
// CHECK: compare: 96 elements, max abs error 0

// Block r (of 2) looks row r's 48 codes up in the table; each lane holds 6 codes (3 bytes).
#Bytes = #tile.layout<spatial(1,8).local(1,3)>
#Codes = #tile.layout<spatial(1,8).local(1,6)>
#LaneOrdered = #tile.layout<local(1,2).spatial(1,8)>
#Spread = #tile.layout<spatial(1,8).local(1,2)>

tile.kernel @lookup_kernel(%t: memref<?xf32>, %c: memref<?xi8>, %ya: memref<?xf32>,
                           %yb: memref<?xf32>) grid [2] workers 8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c24 = arith.constant 24 : index
  %c48 = arith.constant 48 : index
  %vt = tile.global_view %t sizes(%c1, %c16) strides(%c16, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vc = tile.global_view %c sizes(%c2, %c24) strides(%c24, %c1) : memref<?xi8> -> !tile.global<?x?xi8>
  %va = tile.global_view %ya sizes(%c2, %c48) strides(%c48, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %vb = tile.global_view %yb sizes(%c2, %c48) strides(%c48, %c1) : memref<?xf32> -> !tile.global<?x?xf32>
  %r = tile.block_index 0
  %bytes = tile.load_global %vc[%r, %c0] : !tile.global<?x?xi8> -> !tile.reg<1x24xi8, #Bytes>
  %codes = tile.view %bytes : !tile.reg<1x24xi8, #Bytes> -> !tile.reg<1x48xui4, #Codes>
  %ta = tile.load_global %vt[%c0, %c0] : !tile.global<?x?xf32> -> !tile.reg<1x16xf32, #LaneOrdered>
  %a = tile.lookup %ta[%codes] : !tile.reg<1x16xf32, #LaneOrdered>, !tile.reg<1x48xui4, #Codes>
         -> !tile.reg<1x48xf32, #Codes>
  tile.store_global %a, %va[%r, %c0] : !tile.reg<1x48xf32, #Codes>, !tile.global<?x?xf32>
  %tb = tile.load_global %vt[%c0, %c0] : !tile.global<?x?xf32> -> !tile.reg<1x16xf32, #Spread>
  %b = tile.lookup %tb[%codes] : !tile.reg<1x16xf32, #Spread>, !tile.reg<1x48xui4, #Codes>
         -> !tile.reg<1x48xf32, #Codes>
  tile.store_global %b, %vb[%r, %c0] : !tile.reg<1x48xf32, #Codes>, !tile.global<?x?xf32>
  tile.return
}

func.func @lookup(%t: tensor<16xf32>, %c: tensor<2x48xui4>) -> (tensor<2x48xf32>, tensor<2x48xf32>) {
  %mt = bufferization.to_buffer %t read_only : tensor<16xf32> to memref<16xf32>
  %dt = memref.cast %mt : memref<16xf32> to memref<?xf32>
  %packed = lowbit.pack %c : tensor<2x48xui4> -> tensor<2x24xi8>
  %mc = bufferization.to_buffer %packed read_only : tensor<2x24xi8> to memref<2x24xi8>
  %fc = memref.collapse_shape %mc [[0, 1]] : memref<2x24xi8> into memref<48xi8>
  %dc = memref.cast %fc : memref<48xi8> to memref<?xi8>
  %ma = memref.alloc() : memref<2x48xf32>
  %fa = memref.collapse_shape %ma [[0, 1]] : memref<2x48xf32> into memref<96xf32>
  %da = memref.cast %fa : memref<96xf32> to memref<?xf32>
  %mb = memref.alloc() : memref<2x48xf32>
  %fb = memref.collapse_shape %mb [[0, 1]] : memref<2x48xf32> into memref<96xf32>
  %db = memref.cast %fb : memref<96xf32> to memref<?xf32>
  tile.launch @lookup_kernel(%dt, %dc, %da, %db)
    : (memref<?xf32>, memref<?xi8>, memref<?xf32>, memref<?xf32>) -> ()
  %ya = bufferization.to_tensor %ma restrict : memref<2x48xf32> to tensor<2x48xf32>
  %yb = bufferization.to_tensor %mb restrict : memref<2x48xf32> to tensor<2x48xf32>
  return %ya, %yb : tensor<2x48xf32>, tensor<2x48xf32>
}

// The codes looked up in the table: a codebook operand with unit scales.
func.func @reference(%c: tensor<2x48xui4>, %one: tensor<2xf32>, %t: tensor<16xf32>) -> tensor<2x48xf32> {
  %r = lowbit.dequantize %c scale(%one) codebook(%t)
         {scheme = #lowbit.scheme<per_channel(axis = 0), scale = f32, codebook = operand>}
         : (tensor<2x48xui4>, tensor<2xf32>, tensor<16xf32>) -> tensor<2x48xf32>
  return %r : tensor<2x48xf32>
}
