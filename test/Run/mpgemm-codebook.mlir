// Codebook weights through the fast path (tile.lookup of the codes in the table) against the
// reference interpreter, at M = 7, N = 37, K = 200 (a partial last group): NF4 (16 entries:
// two vpermps halves on AVX2) on 1 and 2 threads, vector code and the SIMT emulation, with
// weights read in interchange packing and prepacked by the entry point; a 2-bit inline table
// (4 entries); 3-bit codes into an f16 codebook operand; 5-bit codes into a 32-entry f32
// operand (a tree of selects); 6- and 8-bit codes into 64- and 256-entry operands (copied
// once per block to the stack and gathered), on 1 and 2 threads and through the SIMT emulation.
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-npy random --type=7x200xf32 --seed=%seed1 -o %t/a.npy
// RUN: lowbit-npy random --type=37x200xui4 --seed=%seed2 -o %t/w4.npy
// RUN: lowbit-npy random --type=37x4xbf16 --min=0.01 --max=0.1 --seed=%seed3 -o %t/s.npy
// RUN: lowbit-npy random --type=37x200xui2 --seed=%seed4 -o %t/w2.npy
// RUN: lowbit-npy random --type=37x200xui3 --seed=%seed5 -o %t/w3.npy
// RUN: lowbit-npy random --type=8xf16 --min=-2 --max=2 --seed=%seed6 -o %t/c3.npy
// RUN: lowbit-npy random --type=37x200xui5 --seed=%seed7 -o %t/w5.npy
// RUN: lowbit-npy random --type=32xf32 --min=-2 --max=2 --seed=%seed8 -o %t/c5.npy
// RUN: lowbit-npy random --type=37x200xui6 --seed=%seed9 -o %t/w6.npy
// RUN: lowbit-npy random --type=64xf32 --min=-2 --max=2 --seed=%seed10 -o %t/c6.npy
// RUN: lowbit-npy random --type=37x200xui8 --seed=%seed11 -o %t/w8.npy
// RUN: lowbit-npy random --type=256xf16 --min=-2 --max=2 --seed=%seed12 -o %t/c8.npy

// RUN: lowbit-opt %s --lowbit-pipeline-linalg="target-cpu=znver3" | FileCheck %s --check-prefix=IR
// The table-decoded weights take 7 (all M) x 8 tiles: more rows per looked-up code.
// IR-LABEL: tile.kernel @mpgemm_
// IR: tile.lookup %{{.*}}[%{{.*}}] : !tile.reg<1x16xf32, {{.*}}>, !tile.reg<32x8xui4, {{.*}}> -> !tile.reg<32x8xf32
// IR: tile.dot %{{.*}}, %{{.*}}, %{{.*}} : !tile.reg<7x32xf32, {{.*}}>, !tile.reg<32x8xf32
// IR-LABEL: func.func @nf4(
// IR: arith.constant dense<[-1.000000e+00, -0.6961928{{[0-9]*}}
// IR: tile.launch @mpgemm_
// IR-LABEL: tile.kernel @mpgemm_
// IR: tile.lookup %{{.*}}[%{{.*}}] : !tile.reg<1x64xf32, {{.*}}>, !tile.reg<32x8xui6, {{.*}}> -> !tile.reg<32x8xf32
// IR-LABEL: func.func @big(
// IR: tile.launch @mpgemm_
// IR: tile.launch @mpgemm_
// IR: return

// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=nf4 --input=@%t/a.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/n1.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=nf4 --thread-work-us=0 --input=@%t/a.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/n2.npy
// RUN: lowbit-run %s --function=nf4 --simd=never --input=@%t/a.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/ne.npy
// RUN: lowbit-run %s --function=nf4_prepacked --input=@%t/a.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/np.npy
// RUN: lowbit-run %s --function=nf4 --engine=reference --input=@%t/a.npy --input=@%t/w4.npy --input=@%t/s.npy --output=@%t/nr.npy
// RUN: lowbit-npy compare %t/nr.npy %t/n1.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/nr.npy %t/n2.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/nr.npy %t/ne.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/nr.npy %t/np.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// CMP: compare: 259 elements, max abs error
func.func @nf4(%a: tensor<7x200xf32>, %w: tensor<37x200xui4>, %s: tensor<37x4xbf16>)
    -> tensor<7x37xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = nf4>}
         : (tensor<7x200xf32>, tensor<37x200xui4>, tensor<37x4xbf16>) -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}

func.func @nf4_prepacked(%a: tensor<7x200xf32>, %w: tensor<37x200xui4> {lowbit.prepack},
                         %s: tensor<37x4xbf16>) -> tensor<7x37xf32> {
  %y = lowbit.mpgemm %a, %w scale(%s)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = nf4>}
         : (tensor<7x200xf32>, tensor<37x200xui4>, tensor<37x4xbf16>) -> tensor<7x37xf32>
  return %y : tensor<7x37xf32>
}

// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=tables --thread-work-us=0 --input=@%t/a.npy --input=@%t/w2.npy --input=@%t/w3.npy --input=@%t/c3.npy --input=@%t/w5.npy --input=@%t/c5.npy --input=@%t/s.npy --output=@%t/t2.npy --output=@%t/t3.npy --output=@%t/t5.npy
// RUN: lowbit-run %s --function=tables --engine=reference --input=@%t/a.npy --input=@%t/w2.npy --input=@%t/w3.npy --input=@%t/c3.npy --input=@%t/w5.npy --input=@%t/c5.npy --input=@%t/s.npy --output=@%t/r2.npy --output=@%t/r3.npy --output=@%t/r5.npy
// RUN: lowbit-npy compare %t/r2.npy %t/t2.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/r3.npy %t/t3.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/r5.npy %t/t5.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @tables(%a: tensor<7x200xf32>, %w2: tensor<37x200xui2>, %w3: tensor<37x200xui3>,
                  %c3: tensor<8xf16>, %w5: tensor<37x200xui5>, %c5: tensor<32xf32>,
                  %s: tensor<37x4xbf16>)
    -> (tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>) {
  %y2 = lowbit.mpgemm %a, %w2 scale(%s)
          {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16,
                                          codebook = [-1.5, -0.25, 0.5, 1.75]>}
          : (tensor<7x200xf32>, tensor<37x200xui2>, tensor<37x4xbf16>) -> tensor<7x37xf32>
  %y3 = lowbit.mpgemm %a, %w3 scale(%s) codebook(%c3)
          {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = operand>}
          : (tensor<7x200xf32>, tensor<37x200xui3>, tensor<37x4xbf16>, tensor<8xf16>) -> tensor<7x37xf32>
  %y5 = lowbit.mpgemm %a, %w5 scale(%s) codebook(%c5)
          {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = operand>}
          : (tensor<7x200xf32>, tensor<37x200xui5>, tensor<37x4xbf16>, tensor<32xf32>) -> tensor<7x37xf32>
  return %y2, %y3, %y5 : tensor<7x37xf32>, tensor<7x37xf32>, tensor<7x37xf32>
}

// 64 and 256 entries (f32, f16).
// RUN: env LOWBIT_NUM_THREADS=1 lowbit-run %s --function=big --input=@%t/a.npy --input=@%t/w6.npy --input=@%t/c6.npy --input=@%t/w8.npy --input=@%t/c8.npy --input=@%t/s.npy --output=@%t/b6a.npy --output=@%t/b8a.npy
// RUN: env LOWBIT_NUM_THREADS=2 lowbit-run %s --function=big --thread-work-us=0 --input=@%t/a.npy --input=@%t/w6.npy --input=@%t/c6.npy --input=@%t/w8.npy --input=@%t/c8.npy --input=@%t/s.npy --output=@%t/b6b.npy --output=@%t/b8b.npy
// RUN: lowbit-run %s --function=big --simd=never --input=@%t/a.npy --input=@%t/w6.npy --input=@%t/c6.npy --input=@%t/w8.npy --input=@%t/c8.npy --input=@%t/s.npy --output=@%t/b6e.npy --output=@%t/b8e.npy
// RUN: lowbit-run %s --function=big --engine=reference --input=@%t/a.npy --input=@%t/w6.npy --input=@%t/c6.npy --input=@%t/w8.npy --input=@%t/c8.npy --input=@%t/s.npy --output=@%t/b6r.npy --output=@%t/b8r.npy
// RUN: lowbit-npy compare %t/b6r.npy %t/b6a.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/b6r.npy %t/b6b.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/b6r.npy %t/b6e.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/b8r.npy %t/b8a.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/b8r.npy %t/b8b.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
// RUN: lowbit-npy compare %t/b8r.npy %t/b8e.npy --atol=1e-5 --rtol=1e-5 | FileCheck %s --check-prefix=CMP
func.func @big(%a: tensor<7x200xf32>, %w: tensor<37x200xui6>, %c: tensor<64xf32>,
               %w8: tensor<37x200xui8>, %c8: tensor<256xf16>, %s: tensor<37x4xbf16>)
    -> (tensor<7x37xf32>, tensor<7x37xf32>) {
  %y = lowbit.mpgemm %a, %w scale(%s) codebook(%c)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = operand>}
         : (tensor<7x200xf32>, tensor<37x200xui6>, tensor<37x4xbf16>, tensor<64xf32>) -> tensor<7x37xf32>
  %z = lowbit.mpgemm %a, %w8 scale(%s) codebook(%c8)
         {weight_scheme = #lowbit.scheme<group(axis = 1, size = 64), scale = bf16, codebook = operand>}
         : (tensor<7x200xf32>, tensor<37x200xui8>, tensor<37x4xbf16>, tensor<256xf16>) -> tensor<7x37xf32>
  return %y, %z : tensor<7x37xf32>, tensor<7x37xf32>
}
