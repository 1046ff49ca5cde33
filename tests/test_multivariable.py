"""Several variables: partials, mixed partials, gradients, Jacobians, Hessians, user-defined
computation graphs and the vector chain rule — each row of the table in the issue, through the
command line's JSON output, checked against values worked out by hand."""

import json

import pytest
import sympy as sp

from derive.cli.main import run

x, y, u, v, x1, x2, x3 = sp.symbols("x y u v x1 x2 x3", real=True)
NAMES = {s.name: s for s in (x, y, u, v, x1, x2, x3)}


def as_expr(text):
    return sp.sympify(text, locals=NAMES)


def same(a, b):
    return sp.simplify(as_expr(a) - b) == 0 if isinstance(a, str) else sp.simplify(a - b) == 0


def derive_json(capsys, *args):
    code = run(list(args) + ["--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_partial_derivative_holds_the_other_variable_constant(capsys):
    data = derive_json(capsys, "x1*x2^2", "--wrt", "x2")
    assert data["kind"] == "partial" and data["wrt"] == ["x2"] and data["verified"]
    assert same(data["result"], 2 * x1 * x2)


def test_partial_is_written_with_the_partial_sign(capsys):
    assert run(["x1*x2^2", "--wrt", "x2"]) == 0
    out = capsys.readouterr().out
    assert "∂f/∂x₂" in out and "d/dx₂" not in out.splitlines()[1]


def test_mixed_partial_in_the_order_given(capsys):
    data = derive_json(capsys, "x^2*y^3", "--wrt", "x", "--wrt", "y")
    assert data["wrt"] == ["x", "y"]
    assert same(data["result"], 6 * x * y**2)
    run(["x^2*y^3", "--wrt", "x", "--wrt", "y"])
    assert "∂²f/∂y∂x" in capsys.readouterr().out


def test_the_notes_slip_is_not_repeated(capsys):
    # the notes print 8y² for ∂/∂y (2x + y²); it is 2y
    assert same(derive_json(capsys, "2x + y^2", "--wrt", "y")["result"], 2 * y)


def test_gradient(capsys):
    data = derive_json(capsys, "x^2*y", "--gradient", "--vars", "x,y")
    assert data["kind"] == "gradient" and data["wrt"] == ["x", "y"]
    assert [as_expr(r) for r in data["result"]] == [2 * x * y, x**2]
    assert data["verified"]


def test_gradient_variables_default_to_alphabetical(capsys):
    data = derive_json(capsys, "y*sin(x)", "--gradient")
    assert data["wrt"] == ["x", "y"]
    assert same(data["result"][0], y * sp.cos(x)) and same(data["result"][1], sp.sin(x))


def test_jacobian_rows_are_outputs_columns_inputs(capsys):
    data = derive_json(capsys, "[3*x^2*y, 2*x + y^2]", "--jacobian", "--vars", "x,y")
    assert data["shape"] == [2, 2]
    expected = [[6 * x * y, 3 * x**2], [2, 2 * y]]
    assert all(same(data["result"][i][j], expected[i][j]) for i in range(2) for j in range(2))


def test_hessian_is_symmetric_and_says_so(capsys):
    data = derive_json(capsys, "x*y", "--hessian", "--vars", "x,y")
    assert [[as_expr(e) for e in row] for row in data["result"]] == [[0, 1], [1, 0]]
    mirrored = [e for e in data["entries"] if e.get("reason") == "symmetry"]
    assert len(mirrored) == 1 and mirrored[0]["same_as"] == [0, 1]
    run(["x*y", "--hessian", "--vars", "x,y"])
    assert "mixed partials are equal" in capsys.readouterr().out


def test_hessian_of_three_variables(capsys):
    data = derive_json(capsys, "x^2*y + y*z^3", "--hessian", "--vars", "x,y,z")
    z = sp.Symbol("z", real=True)
    f = x**2 * y + y * z**3
    expected = sp.hessian(f, (x, y, z))
    got = sp.Matrix([[sp.sympify(e, locals={**NAMES, "z": z}) for e in row]
                     for row in data["result"]])
    assert sp.simplify(got - expected) == sp.zeros(3, 3)


def test_vector_function_of_one_variable_is_a_column(capsys):
    data = derive_json(capsys, "[ln(x^2), sin(3*x)]", "--wrt", "x")
    assert data["kind"] == "vector"
    assert same(data["result"][0], 2 / x) and same(data["result"][1], 3 * sp.cos(3 * x))


def test_user_graph_total_derivative_over_all_paths(capsys):
    data = derive_json(capsys, "u*v", "--where", "u=x^2", "--where", "v=ln(x)", "--wrt", "x")
    assert same(data["result"], 2 * x * sp.log(x) + x)
    names = [i["name"] for i in data["intermediates"]]
    assert "u" in names and "v" in names
    rules = {s["rule"] for s in data["steps"][2]["substeps"]}
    assert "total" in rules


def test_multivariable_chain_rule(capsys):
    # z = exp(xy), x = 2u + v, y = u/v:  dz/du = ∂z/∂x·∂x/∂u + ∂z/∂y·∂y/∂u
    data = derive_json(capsys, "exp(x*y)", "--where", "x=2*u+v", "--where", "y=u/v", "--wrt", "u")
    xe, ye = 2 * u + v, u / v
    expected = ye * sp.exp(xe * ye) * 2 + xe * sp.exp(xe * ye) / v
    assert same(data["result"], expected)
    run(["exp(x*y)", "--where", "x=2*u+v", "--where", "y=u/v", "--wrt", "u"])
    assert "∂z/∂u = ∂z/∂x · ∂x/∂u + ∂z/∂y · ∂y/∂u" in capsys.readouterr().out


def test_vector_chain_rule_is_a_product_of_jacobians(capsys):
    data = derive_json(capsys, "[u^2, u*v, v^2]", "--where", "u=x1^2*x2^2",
                       "--where", "v=sqrt(x2*x3)", "--jacobian", "--vars", "x1,x2,x3")
    g = sp.Matrix([x1**2 * x2**2, sp.sqrt(x2 * x3)])
    h = sp.Matrix([g[0]**2, g[0] * g[1], g[1]**2])
    expected = h.jacobian((x1, x2, x3))
    got = sp.Matrix([[as_expr(e) for e in row] for row in data["result"]])
    assert sp.simplify(got - expected) == sp.zeros(3, 3)
    assert data["chain"]["outer"]["shape"] == [3, 2] and data["chain"]["inner"]["shape"] == [2, 3]
    run(["[u^2, u*v, v^2]", "--where", "u=x1^2*x2^2", "--where", "v=sqrt(x2*x3)",
         "--jacobian", "--vars", "x1,x2,x3"])
    assert "(3×2)·(2×3) = 3×3" in capsys.readouterr().out


def test_value_at_a_point(capsys):
    data = derive_json(capsys, "x^2*y", "--gradient", "--vars", "x,y", "--at", "x=1,y=2")
    assert [as_expr(e) for e in data["value"]] == [4, 1]


def test_paths_are_listed_for_several_paths(capsys):
    run(["sin(x + x^2)", "--style", "graph"])
    out = capsys.readouterr().out
    assert "x reaches y along 2 paths: path 1: x → u₂ → y;  path 2: x → u₁ → u₂ → y" in out


@pytest.mark.parametrize("args, message", [
    (["x*y", "--gradient", "--vars", "x,,y"], "--vars expects names"),
    (["x*y", "--gradient", "--vars", "x,2"], "column"),
    (["u*v", "--where", "u=v", "--where", "v=u", "--wrt", "x"], "cycle: u → v → u"),
    (["u*v", "--where", "u x^2", "--wrt", "x"], "expected NAME=EXPRESSION"),
    (["u*v", "--where", "u=x^2", "--where", "u=x", "--wrt", "x"], "u is defined twice"),
    (["x*y", "--gradient", "--wrt", "x"], "--gradient takes its variables from --vars"),
    (["x*y", "--vars", "x,y"], "--vars goes with"),
    (["[x, y]", "--hessian"], "use --jacobian"),
    (["x*y", "--wrt", "x", "--wrt", "y", "--order", "2"], "not both"),
    (["u*x", "--where", "u=x^2", "--gradient", "--vars", "u,x"], "intermediate defined with --where"),
])
def test_bad_multivariable_input_is_one_line_exit_2(capsys, args, message):
    code = run(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("args", [
    ["|x| + y", "--gradient", "--vars", "x,y"],
    ["[3x^2 y, 2x + |y|]", "--jacobian"],
    ["|x| y", "--hessian", "--vars", "x,y"],
    ["|x| + y", "--wrt", "x"],
])
def test_absolute_values_beside_other_variables_are_checked(args, capsys):
    assert run(args) == 0
    assert "checked" in capsys.readouterr().out
