"""The evaluation commands: output format, last line, and clear errors naming the row."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().rstrip("\n").splitlines()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_dispatch_eval_format(tmp_path):
    f = write(
        tmp_path,
        "t.csv",
        "text,department,extra\n园区停电了，请供电公司抢修,gdgs,x\n留抵退税一直没到账,tax,y\n",
    )
    lines = run("dispatch_eval", "--test", f)
    assert re.fullmatch(r"top1=\d\.\d{3} top3=\d\.\d{3} n=2", lines[-1])
    assert lines[-1] == "top1=1.000 top3=1.000 n=2"
    assert any(line.startswith("gdgs") for line in lines)
    assert "most confused (true -> predicted: count):" in lines


def test_dispatch_eval_with_train(tmp_path):
    train = write(tmp_path, "train.csv", "text,department\n厂里停电,gdgs\n没有水了,swjt\n退税慢,tax\n")
    test = write(tmp_path, "test.csv", "text,department\n停电了,gdgs\n")
    lines = run("dispatch_eval", "--test", test, "--train", train)
    assert lines[0].startswith("model: trained on 3 rows")
    assert re.fullmatch(r"top1=\d\.\d{3} top3=\d\.\d{3} n=1", lines[-1])


@pytest.mark.parametrize(
    "content,message",
    [
        ("text,dept\n停电,gdgs\n", "第 1 行（表头）缺少列：department"),
        ("text,department\n停电,gdgs\n停水,nosuch\n", "第 3 行部门编码未知：'nosuch'"),
        ("text,department\n停电,gdgs\n  ,swjt\n", "第 3 行 text 为空"),
        ("text,department\n", "没有数据行"),
    ],
)
def test_dispatch_eval_bad_files(tmp_path, content, message):
    f = write(tmp_path, "bad.csv", content)
    with pytest.raises(CommandError, match=re.escape(message)):
        run("dispatch_eval", "--test", f)


def test_dispatch_eval_bad_train_file_names_it(tmp_path):
    test = write(tmp_path, "test.csv", "text,department\n停电,gdgs\n")
    train = write(tmp_path, "train.csv", "text,department\n停电,gdgs\n,tax\n")
    with pytest.raises(CommandError, match=r"train\.csv: 第 3 行 text 为空"):
        run("dispatch_eval", "--test", test, "--train", train)


def test_dispatch_eval_missing_file():
    with pytest.raises(CommandError, match="文件不存在"):
        run("dispatch_eval", "--test", "/nonexistent.csv")


def test_similar_eval_format(tmp_path):
    f = write(
        tmp_path,
        "s.csv",
        "id,group,text\n1,a,栗雨工业园停电了\n2,a,栗雨园区全厂断电\n3,b,金山工业园停水\n4,c,留抵退税没到账\n",
    )
    lines = run("similar_eval", f)
    assert lines[-1] == "precision=1.000 recall=1.000 f1=1.000"


def test_similar_eval_missing_group(tmp_path):
    f = write(tmp_path, "s.csv", "id,text\n1,停电\n")
    with pytest.raises(CommandError, match="缺少列：group"):
        run("similar_eval", f)
