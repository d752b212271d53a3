"""The default catalogue: 株洲's districts (GB/T 2260) and the departments that handle appeals.

Another city replaces this module's data; codes are stable identifiers and never change.
"""

DISTRICTS = [
    ("430200", "株洲市", None),
    ("430202", "荷塘区", "430200"),
    ("430203", "芦淞区", "430200"),
    ("430204", "石峰区", "430200"),
    ("430211", "天元区", "430200"),
    ("430212", "渌口区", "430200"),
    ("430223", "攸县", "430200"),
    ("430224", "茶陵县", "430200"),
    ("430225", "炎陵县", "430200"),
    ("430281", "醴陵市", "430200"),
]

# (code, name, kind, district code, responsibility 职责, keywords)
DEPARTMENTS = [
    ("fgw", "市发展和改革委员会", "gov", "430200", "", ""),
    ("gxj", "市工业和信息化局", "gov", "430200", "", ""),
    ("kjj", "市科学技术局", "gov", "430200", "", ""),
    ("gaj", "市公安局", "gov", "430200", "", ""),
    ("sfj", "市司法局", "gov", "430200", "", ""),
    ("czj", "市财政局", "gov", "430200", "", ""),
    ("rsj", "市人力资源和社会保障局", "gov", "430200", "", ""),
    ("zrzyj", "市自然资源和规划局", "gov", "430200", "", ""),
    ("sthjj", "市生态环境局", "gov", "430200", "", ""),
    ("zjj", "市住房和城乡建设局", "gov", "430200", "", ""),
    ("jtj", "市交通运输局", "gov", "430200", "", ""),
    ("slj", "市水利局", "gov", "430200", "", ""),
    ("swj", "市商务局", "gov", "430200", "", ""),
    ("yjj", "市应急管理局", "gov", "430200", "", ""),
    ("scjgj", "市市场监督管理局", "gov", "430200", "", ""),
    ("ybj", "市医疗保障局", "gov", "430200", "", ""),
    ("cgj", "市城市管理和综合执法局", "gov", "430200", "", ""),
    ("spj", "市行政审批服务局", "gov", "430200", "", ""),
    ("jrj", "市地方金融管理局", "gov", "430200", "", ""),
    ("tax", "国家税务总局株洲市税务局", "gov", "430200", "", ""),
    ("gjj", "市住房公积金管理中心", "gov", "430200", "", ""),
    ("xfzd", "市消防救援支队", "gov", "430200", "", ""),
    ("hg", "株洲海关", "gov", "430200", "", ""),
    ("rmyh", "中国人民银行株洲市分行", "gov", "430200", "", ""),
    ("wjw", "市卫生健康委员会", "gov", "430200", "", ""),
    ("jyj", "市教育局", "gov", "430200", "", ""),
    ("tzb", "市委统战部(市工商联)", "gov", "430200", "", ""),
    ("jw", "市纪委监委", "gov", "430200", "", ""),
    ("ybhj", "市优化营商环境协调事务中心", "gov", "430200", "", ""),
    ("gdgs", "国网株洲供电公司", "utility", "430200", "", ""),
    ("swjt", "株洲市水务集团", "utility", "430200", "", ""),
    ("rqgs", "株洲新奥燃气有限公司", "utility", "430200", "", ""),
    ("txgs", "通信运营商(电信/移动/联通)", "utility", "430200", "", ""),
    ("gtjt", "株洲国投集团", "soe", "430200", "", ""),
    ("fy", "市中级人民法院", "gov", "430200", "", ""),
    ("tyq", "天元区人民政府(株洲高新区)", "district", "430211", "", ""),
    ("lsq", "芦淞区人民政府", "district", "430203", "", ""),
    ("htq", "荷塘区人民政府", "district", "430202", "", ""),
    ("sfq", "石峰区人民政府", "district", "430204", "", ""),
    ("lkq", "渌口区人民政府", "district", "430212", "", ""),
    ("lls", "醴陵市人民政府", "district", "430281", "", ""),
    ("yx", "攸县人民政府", "district", "430223", "", ""),
    ("clx", "茶陵县人民政府", "district", "430224", "", ""),
    ("ylx", "炎陵县人民政府", "district", "430225", "", ""),
]


def load_catalogue(District, Department, TimeLimit=None) -> None:
    """Create what is missing, never overwrite staff edits. Takes model classes so migrations can call it."""
    by_code = {}
    for code, name, parent in DISTRICTS:
        obj, _ = District.objects.get_or_create(code=code, defaults={"name": name, "parent": by_code.get(parent)})
        by_code[code] = obj
    for code, name, kind, district, responsibility, keywords in DEPARTMENTS:
        Department.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "district": by_code.get(district),
                "responsibility": responsibility,
                "keywords": keywords,
            },
        )
