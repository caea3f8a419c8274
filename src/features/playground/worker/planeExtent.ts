/** Half-width of the input plane shown, as in TF Playground: x₁, x₂ ∈ [−6, 6]. */
export const PLANE_EXTENT = 6;
