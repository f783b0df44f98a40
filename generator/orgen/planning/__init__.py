"""The plan stage's parts, one concern per module; `orgen.plan.plan` composes them into the IR.

`media` and `kinds` read the normalized document; `registry` owns every class name handed out;
`hoisting`, `output_types` and `input_types` translate schemas into type expressions; `client`,
`naming`, `parameters`, `bodies`, `responses` and `pagination` decide one part of the client each.
"""
