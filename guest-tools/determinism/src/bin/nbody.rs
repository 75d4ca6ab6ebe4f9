//! A float-heavy workload for measuring what determinism costs (NaN canonicalization, fuel):
//! the n-body simulation of the Computer Language Benchmarks Game, `nbody STEPS`.

const SOLAR_MASS: f64 = 4.0 * std::f64::consts::PI * std::f64::consts::PI;
const DAYS_PER_YEAR: f64 = 365.24;

#[derive(Clone, Copy)]
struct Body {
    position: [f64; 3],
    velocity: [f64; 3],
    mass: f64,
}

fn bodies() -> [Body; 5] {
    let body = |p: [f64; 3], v: [f64; 3], m: f64| Body { position: p, velocity: v.map(|x| x * DAYS_PER_YEAR), mass: m * SOLAR_MASS };
    [
        body([0.0; 3], [0.0; 3], 1.0),
        body([4.841_431_442_464_72, -1.160_320_044_027_428_4, -0.103_622_044_471_123_1], [1.660_076_642_744_037e-3, 7.699_011_184_197_404e-3, -6.904_600_169_720_63e-5], 9.547_919_384_243_266e-4),
        body([8.343_366_718_244_58, 4.124_798_564_124_305, -0.403_523_417_114_321_4], [-2.767_425_107_268_624e-3, 4.998_528_012_349_172e-3, 2.304_172_975_737_639_3e-5], 2.858_859_806_661_308e-4),
        body([12.894_369_562_139_131, -15.111_151_401_698_631, -0.223_307_578_892_655_7], [2.964_601_375_647_616e-3, 2.378_471_739_594_809_5e-3, -2.965_895_685_402_375_6e-5], 4.366_244_043_351_563e-5),
        body([15.379_697_114_850_917, -25.919_314_609_987_964, 0.179_258_772_950_371_2], [2.680_677_724_903_893_2e-3, 1.628_241_700_382_423e-3, -9.515_922_545_197_159e-5], 5.151_389_020_466_114_5e-5),
    ]
}

fn energy(bodies: &[Body]) -> f64 {
    let mut e = 0.0;
    for (i, a) in bodies.iter().enumerate() {
        e += 0.5 * a.mass * a.velocity.iter().map(|v| v * v).sum::<f64>();
        for b in &bodies[i + 1..] {
            let d: f64 = (0..3).map(|k| (a.position[k] - b.position[k]).powi(2)).sum::<f64>().sqrt();
            e -= a.mass * b.mass / d;
        }
    }
    e
}

fn advance(bodies: &mut [Body], dt: f64) {
    for i in 0..bodies.len() {
        for j in i + 1..bodies.len() {
            let d: [f64; 3] = std::array::from_fn(|k| bodies[i].position[k] - bodies[j].position[k]);
            let distance2: f64 = d.iter().map(|x| x * x).sum();
            let magnitude = dt / (distance2 * distance2.sqrt());
            let (mi, mj) = (bodies[i].mass, bodies[j].mass);
            for k in 0..3 {
                bodies[i].velocity[k] -= d[k] * mj * magnitude;
                bodies[j].velocity[k] += d[k] * mi * magnitude;
            }
        }
    }
    for body in bodies.iter_mut() {
        for k in 0..3 {
            body.position[k] += dt * body.velocity[k];
        }
    }
}

fn main() {
    let steps: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let mut system = bodies();
    let momentum: [f64; 3] = std::array::from_fn(|k| system.iter().map(|b| b.velocity[k] * b.mass).sum());
    for k in 0..3 {
        system[0].velocity[k] = -momentum[k] / SOLAR_MASS;
    }
    println!("{:.9}", energy(&system));
    for _ in 0..steps {
        advance(&mut system, 0.01);
    }
    println!("{:.9}", energy(&system));
}
