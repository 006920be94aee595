//! Constant-time variable-base scalar multiplication on P-256, for ECDH.
//!
//! Why not `p256`'s own `ProjectivePoint * Scalar`: it uses complete formulas, whose doubling
//! costs about 11 field multiplications; the server's seal is one scalar multiplication, and
//! Jacobian doubling for a = -3 costs 8 (3M + 5S). This module changes only the point formulas:
//! the field arithmetic is `p256::FieldElement` (fiat-crypto), and the result is checked against
//! `p256`'s in the tests and by the Project Wycheproof vectors.
//!
//! Method: fixed 4-bit windows, most significant first: R = 16·R + T[d] with T[i] = i·P.
//! The Jacobian formulas are incomplete, so the exceptional cases are handled by constant-time
//! selection, and they are the only ones that can occur: for a scalar 0 < s < n and a point P of
//! prime order n, R = k·P with k = 16·(digits so far) satisfies 16 <= k < n - 15 whenever k != 0,
//! so R = ±T[d] only when R is the identity (leading zero digits); T[0] is the identity. Building
//! the table, T[2] is a doubling and T[i] = T[i-1] + P for i >= 3 never meets ±P.
//!
//! Nothing branches on, or indexes memory by, the scalar: table entries are read by a
//! constant-time scan, and digits are only compared with `subtle`.

use p256::elliptic_curve::subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use p256::FieldElement;

/// (X, Y, Z) with x = X/Z², y = Y/Z³; Z = 0 is the identity.
#[derive(Clone, Copy)]
struct Jacobian {
    x: FieldElement,
    y: FieldElement,
    z: FieldElement,
}

impl Jacobian {
    const IDENTITY: Jacobian = Jacobian {
        x: FieldElement::ONE,
        y: FieldElement::ONE,
        z: FieldElement::ZERO,
    };

    /// dbl-2001-b (a = -3): 3M + 5S. The identity doubles to the identity (Z stays 0), and
    /// P-256 has no point of order 2, so there is no other exceptional case.
    fn double(&self) -> Jacobian {
        let delta = self.z.square();
        let gamma = self.y.square();
        let beta = self.x.multiply(&gamma);
        let t = self.x.sub(&delta).multiply(&self.x.add(&delta));
        let alpha = t.double().add(&t);
        let beta4 = beta.double().double();
        let x3 = alpha.square().sub(&beta4.double());
        let z3 = self.y.add(&self.z).square().sub(&gamma).sub(&delta);
        let gamma_sq8 = gamma.square().double().double().double();
        let y3 = alpha.multiply(&beta4.sub(&x3)).sub(&gamma_sq8);
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// add-2007-bl: 11M + 5S. Wrong when either input is the identity or when self = ±other;
    /// callers exclude those cases (see the module comment).
    fn add_distinct(&self, other: &Jacobian) -> Jacobian {
        let z1z1 = self.z.square();
        let z2z2 = other.z.square();
        let u1 = self.x.multiply(&z2z2);
        let u2 = other.x.multiply(&z1z1);
        let s1 = self.y.multiply(&other.z).multiply(&z2z2);
        let s2 = other.y.multiply(&self.z).multiply(&z1z1);
        let h = u2.sub(&u1);
        let i = h.double().square();
        let j = h.multiply(&i);
        let r = s2.sub(&s1).double();
        let v = u1.multiply(&i);
        let x3 = r.square().sub(&j).sub(&v.double());
        let y3 = r.multiply(&v.sub(&x3)).sub(&s1.multiply(&j).double());
        let z3 = self
            .z
            .add(&other.z)
            .square()
            .sub(&z1z1)
            .sub(&z2z2)
            .multiply(&h);
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    fn is_identity(&self) -> Choice {
        self.z.is_zero()
    }
}

impl ConditionallySelectable for Jacobian {
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Jacobian {
            x: FieldElement::conditional_select(&a.x, &b.x, choice),
            y: FieldElement::conditional_select(&a.y, &b.y, choice),
            z: FieldElement::conditional_select(&a.z, &b.z, choice),
        }
    }
}

/// The affine x-coordinate of `scalar · (x, y)`, where `scalar` is big-endian with
/// 0 < scalar < n and (x, y) is a validated point of the curve. Returns `None` only if the
/// result is the identity, which those preconditions exclude.
pub(crate) fn x_of_product(
    scalar: &[u8; 32],
    x: &FieldElement,
    y: &FieldElement,
) -> Option<[u8; 32]> {
    let point = Jacobian {
        x: *x,
        y: *y,
        z: FieldElement::ONE,
    };
    let mut table = [Jacobian::IDENTITY; 16];
    table[1] = point;
    table[2] = point.double();
    for i in 3..16 {
        table[i] = table[i - 1].add_distinct(&point);
    }

    let mut acc = Jacobian::IDENTITY;
    for byte in scalar {
        for digit in [byte >> 4, byte & 0x0F] {
            acc = acc.double().double().double().double();
            let mut entry = Jacobian::IDENTITY;
            for (i, candidate) in table.iter().enumerate().skip(1) {
                entry.conditional_assign(candidate, (i as u8).ct_eq(&digit));
            }
            let sum = acc.add_distinct(&entry);
            let acc_is_identity = acc.is_identity();
            let digit_is_zero = digit.ct_eq(&0);
            // acc = O: the sum is the entry (O itself when the digit is 0 as well).
            let next = Jacobian::conditional_select(&sum, &entry, acc_is_identity);
            // digit 0 and acc != O: nothing to add.
            acc = Jacobian::conditional_select(&next, &acc, digit_is_zero & !acc_is_identity);
        }
    }

    let z_inverse = Option::<FieldElement>::from(acc.z.invert())?;
    let x = acc.x.multiply(&z_inverse.square());
    let mut out = [0u8; 32];
    out.copy_from_slice(&x.to_bytes());
    Some(out)
}
