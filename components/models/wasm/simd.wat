;; The SIMD loops of wasm/kernels.ts, over tfjs-backend-wasm's own memory (imported as env.memory). Source of
;; simd-module.ts's bytes (regenerate with: npx tsx components/models/wasm/simd-build.ts, which needs the `wabt`
;; package; the build and the page only use the committed bytes). Pointers and strides are in bytes; counts of floats.
(module
  (import "env" "memory" (memory 0))

  ;; Max-pooling gradient of one window that overlaps no other: for each channel (4 at a time; C a multiple of 4),
  ;; dx = dy at the first pixel (row-major) equal to the window's maximum y, 0 at the others.
  ;; x, dx: the window's first pixel; y, dy: its output pixel; rowStride: bytes from one image row to the next.
  (func (export "poolWindow") (param $x i32) (param $y i32) (param $dy i32) (param $dx i32)
        (param $rows i32) (param $cols i32) (param $rowStride i32) (param $C i32)
    (local $c i32) (local $r i32) (local $s i32) (local $off i32) (local $end i32) (local $pix i32)
    (local $m v128) (local $d v128) (local $taken v128) (local $eq v128)
    (local.set $pix (i32.shl (local.get $C) (i32.const 2)))
    (local.set $end (local.get $pix))
    (block $done
      (loop $chunks
        (br_if $done (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $m (v128.load (i32.add (local.get $y) (local.get $c))))
        (local.set $d (v128.load (i32.add (local.get $dy) (local.get $c))))
        (local.set $taken (v128.const i32x4 0 0 0 0))
        (local.set $r (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $off (i32.add (i32.mul (local.get $r) (local.get $rowStride)) (local.get $c)))
            (local.set $s (i32.const 0))
            (block $colsDone
              (loop $colLoop
                (br_if $colsDone (i32.ge_u (local.get $s) (local.get $cols)))
                (local.set $eq (f32x4.eq (v128.load (i32.add (local.get $x) (local.get $off))) (local.get $m)))
                (v128.store (i32.add (local.get $dx) (local.get $off))
                  (v128.and (v128.andnot (local.get $eq) (local.get $taken)) (local.get $d)))
                (local.set $taken (v128.or (local.get $taken) (local.get $eq)))
                (local.set $off (i32.add (local.get $off) (local.get $pix)))
                (local.set $s (i32.add (local.get $s) (i32.const 1)))
                (br $colLoop)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rowLoop)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $chunks))))

  ;; rows runs of n floats: d[i·dStride + e] += k[i·kStride + e] (col2im's scatter-add of one patch row by row).
  (func (export "addRows") (param $d i32) (param $k i32) (param $n i32) (param $rows i32) (param $dStride i32) (param $kStride i32)
    (local $r i32) (local $e i32) (local $vecEnd i32) (local $end i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $e (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $e) (local.get $vecEnd)))
            (v128.store (i32.add (local.get $d) (local.get $e))
              (f32x4.add (v128.load (i32.add (local.get $d) (local.get $e))) (v128.load (i32.add (local.get $k) (local.get $e)))))
            (local.set $e (i32.add (local.get $e) (i32.const 16)))
            (br $vec)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $e) (local.get $end)))
            (f32.store (i32.add (local.get $d) (local.get $e))
              (f32.add (f32.load (i32.add (local.get $d) (local.get $e))) (f32.load (i32.add (local.get $k) (local.get $e)))))
            (local.set $e (i32.add (local.get $e) (i32.const 4)))
            (br $tail)))
        (local.set $d (i32.add (local.get $d) (local.get $dStride)))
        (local.set $k (i32.add (local.get $k) (local.get $kStride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; Transposed patches: colsT[k·M + m] = x[b, i·sh + p − top, j·sw + q − left, c] (0 outside the image), with
  ;; k = (p·kw + q)·C + c and m = (b·outH + i)·outW + j (loops.ts's im2col, transposed; M = batch·outH·outW).
  ;; colsT is written in order, one row k after the other (scalar: the reads are strided).
  (func (export "im2colT") (param $x i32) (param $colsT i32) (param $batch i32) (param $inH i32) (param $inW i32) (param $C i32)
        (param $outH i32) (param $outW i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $top i32) (param $left i32)
    (local $p i32) (local $q i32) (local $c i32) (local $b i32) (local $i i32) (local $j i32) (local $r i32) (local $s i32)
    (local $o i32) (local $row i32) (local $src i32)
    (local.set $o (local.get $colsT))
    (local.set $p (i32.const 0))
    (loop $pLoop
      (local.set $q (i32.const 0))
      (loop $qLoop
        (local.set $c (i32.const 0))
        (loop $cLoop
          (local.set $b (i32.const 0))
          (loop $bLoop
            (local.set $i (i32.const 0))
            (loop $iLoop
              ;; r = i·sh + p − top
              (local.set $r (i32.sub (i32.add (i32.mul (local.get $i) (local.get $sh)) (local.get $p)) (local.get $top)))
              (local.set $row (i32.and (i32.ge_s (local.get $r) (i32.const 0)) (i32.lt_s (local.get $r) (local.get $inH))))
              ;; src = &x[b, r, 0, c] (bytes); s = q − left
              (local.set $src (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $r)) (i32.mul (local.get $inW) (local.get $C))) (local.get $c)) (i32.const 2))))
              (local.set $s (i32.sub (local.get $q) (local.get $left)))
              (local.set $j (i32.const 0))
              (loop $jLoop
                (f32.store (local.get $o)
                  (if (result f32) (i32.and (local.get $row) (i32.and (i32.ge_s (local.get $s) (i32.const 0)) (i32.lt_s (local.get $s) (local.get $inW))))
                    (then (f32.load (i32.add (local.get $src) (i32.shl (i32.mul (local.get $s) (local.get $C)) (i32.const 2)))))
                    (else (f32.const 0))))
                (local.set $o (i32.add (local.get $o) (i32.const 4)))
                (local.set $s (i32.add (local.get $s) (local.get $sw)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br_if $jLoop (i32.lt_u (local.get $j) (local.get $outW))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $iLoop (i32.lt_u (local.get $i) (local.get $outH))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br_if $bLoop (i32.lt_u (local.get $b) (local.get $batch))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $cLoop (i32.lt_u (local.get $c) (local.get $C))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br_if $qLoop (i32.lt_u (local.get $q) (local.get $kw))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $pLoop (i32.lt_u (local.get $p) (local.get $kh)))))
)
