//! Generated Chinese text for `gongkai demo --scale`: place names from
//! character pairs, people and organisations, titles, bodies and requests
//! from a template grammar. Topics are drawn with Zipf-like weights, so a
//! search finds common words in a large share of the items and rare ones
//! (the tail topics, village names) in very few — as in a real portal.

use rand::rngs::StdRng;
use rand::Rng;
use std::collections::HashSet;

/// Characters of place names (two of them make a name).
const PLACE_CHARS: &[char] = &[
    '东', '西', '南', '北', '安', '平', '宁', '康', '泰', '兴', '隆', '昌', '盛', '华', '阳', '山',
    '河', '江', '湖', '海', '林', '泉', '石', '桥', '庄', '集', '店', '营', '沟', '湾', '源', '溪',
    '峰', '岭', '坡', '台', '坊', '口', '堡', '寨', '楼', '园', '田', '丰', '富', '新', '龙', '凤',
    '鹤', '松', '柏', '桃', '梅', '兰', '青', '白', '金', '玉', '明', '光', '永', '长', '广', '定',
    '德', '义', '仁', '和', '顺', '福', '寿', '乐', '文', '武', '嘉', '禾', '双', '高', '古', '清',
    '云', '霞', '星', '汶', '泗', '沂', '淄', '潍', '济', '曲', '邹', '滕', '峄', '蒙', '莒', '郯',
    '临', '沭', '费', '单', '郓', '鄄', '巨', '汾', '蓬', '莱', '栖', '乳', '荣', '即', '墨', '胶',
    '诸', '邑', '博', '莘', '冠', '茌', '阿', '夏', '津', '陵', '乐', '齐', '鲁', '岱', '沛', '徐',
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "玉兰", "红", "建国",
    "志强", "海燕", "国庆", "春梅", "晓东", "立新", "淑珍", "宏伟", "玉珍", "凤英", "金凤", "德胜",
    "振华", "子涵", "浩然", "欣怡", "宇轩", "梓萱", "俊杰", "雨桐", "思远", "家豪", "佳琪",
];

/// Departments of a city or district government (部门).
pub const DEPARTMENTS: &[&str] = &[
    "民政局",
    "教育局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "医疗保障局",
    "城市管理局",
    "行政审批服务局",
    "信访局",
    "统计局",
];

/// Topics, most common first (drawn with Zipf-like weights).
const TOPICS: &[&str] = &[
    "政务公开",
    "安全生产",
    "营商环境",
    "乡村振兴",
    "城乡低保",
    "养老服务",
    "义务教育",
    "医疗保障",
    "就业创业",
    "环境保护",
    "大气污染防治",
    "河长制",
    "森林防火",
    "防汛抗旱",
    "老旧小区改造",
    "农村人居环境整治",
    "高标准农田建设",
    "耕地保护",
    "食品安全",
    "消防安全",
    "道路交通安全",
    "社会救助",
    "临时救助",
    "残疾人两项补贴",
    "退役军人优抚",
    "征兵工作",
    "秸秆禁烧",
    "棚户区改造",
    "惠民惠农补贴",
    "城市管理",
    "垃圾分类",
    "文明城市创建",
    "双拥工作",
    "信访工作",
    "矛盾纠纷排查化解",
    "网格化管理",
    "社区治理",
    "物业管理",
    "房屋征收",
    "集体土地征收",
    "不动产登记",
    "农村危房改造",
    "饮用水安全",
    "污水处理",
    "黑臭水体治理",
    "农村公路",
    "公共文化服务",
    "全民健身",
    "中小学招生",
    "学前教育",
    "职业技能培训",
    "稳岗补贴",
    "根治欠薪",
    "工伤保险",
    "城乡居民养老保险",
    "医疗救助",
    "家庭医生签约",
    "爱国卫生运动",
    "地质灾害防治",
    "冬季清洁取暖",
    "小微企业扶持",
    "招商引资",
    "重点项目建设",
    "财政预算",
    "财政决算",
    "三公经费",
    "政府采购",
    "国有资产管理",
    "审计整改",
    "行政执法公示",
    "双随机一公开",
    "权责清单",
    "行政许可",
    "行政处罚",
    "信用体系建设",
    "一网通办",
    "12345热线",
    "农业保险",
    "人口普查",
    "经济普查",
    "光伏发电",
    "煤改气",
    "宅基地审批",
    "古树名木保护",
    "非物质文化遗产保护",
    "地名普查",
    "渔业资源养护",
    "畜禽养殖污染治理",
    "林长制",
    "湿地保护",
];

const PLANS: &[&str] = &[
    "实施方案",
    "工作方案",
    "管理办法",
    "实施细则",
    "行动计划",
    "考核办法",
    "应急预案",
];
const ACTIONS: &[&str] = &[
    "专项整治行动",
    "集中排查",
    "宣传月活动",
    "督导检查",
    "专项治理",
    "隐患排查",
];
const NOTICES: &[&str] = &[
    "资金发放情况",
    "拟补助对象名单",
    "项目进展情况",
    "检查结果",
    "评审结果",
];
const LISTS: &[&str] = &["名单", "清单", "目录", "结果"];
const POLICIES: &[&str] = &[
    "《中华人民共和国政府信息公开条例》",
    "《优化营商环境条例》",
    "《中华人民共和国安全生产法》",
    "《中华人民共和国乡村振兴促进法》",
    "党中央、国务院决策部署",
    "省委、省政府工作要求",
    "上级有关文件精神",
];
const REQUEST_OBJECTS: &[&str] = &[
    "的资金使用情况",
    "项目的立项批复文件",
    "相关会议纪要",
    "的补偿安置方案",
    "的审批材料",
    "的实施方案",
    "名单及发放标准",
    "项目的招标投标文件",
    "项目的竣工验收报告",
    "的执法检查记录",
];
const INDUSTRIES: &[&str] = &[
    "科技有限公司",
    "建筑工程有限公司",
    "商贸有限公司",
    "农业发展有限公司",
    "房地产开发有限公司",
    "物流有限公司",
];

/// Draws from a list with Zipf-like weights (`1 / (rank + 1)`).
pub struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize) -> Zipf {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|r| {
                total += 1.0 / (r as f64 + 1.0);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    pub fn draw(&self, rng: &mut StdRng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.gen::<f64>() * total;
        self.cumulative
            .partition_point(|c| *c < x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.gen_range(0..list.len())]
}

/// Unique generated two-character place names.
#[derive(Default)]
pub struct PlaceNames {
    used: HashSet<String>,
}

impl PlaceNames {
    pub fn new() -> PlaceNames {
        PlaceNames::default()
    }

    /// A new two-character name (three once the pairs run short).
    pub fn next(&mut self, rng: &mut StdRng) -> String {
        for attempt in 0.. {
            let len = if attempt < 50 { 2 } else { 3 };
            let name: String = (0..len)
                .map(|_| PLACE_CHARS[rng.gen_range(0..PLACE_CHARS.len())])
                .collect();
            let mut chars = name.chars();
            let first = chars.next();
            if chars.any(|c| Some(c) == first) {
                continue;
            }
            if self.used.insert(name.clone()) {
                return name;
            }
        }
        String::new()
    }
}

/// A person's name.
pub fn person(rng: &mut StdRng) -> String {
    format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN))
}

/// A mobile number (fictitious, valid in form).
pub fn mobile(rng: &mut StdRng) -> String {
    let prefix = pick(
        rng,
        &[
            "138", "139", "135", "137", "150", "151", "158", "186", "188",
        ],
    );
    format!("{prefix}{:08}", rng.gen_range(0..100_000_000u32))
}

/// An organisation's name of the applicant kind's sort.
pub fn organisation(rng: &mut StdRng, place: &str, sort: usize) -> String {
    match sort {
        0 => format!("{place}{}", pick(rng, INDUSTRIES)),
        1 => format!("{place}农业科学研究院"),
        2 => format!("{place}公益服务中心"),
        3 => format!("{place}律师事务所"),
        _ => format!("{place}村股份经济合作社"),
    }
}

/// Title, body (HTML), topic and keywords of one item.
pub struct Item {
    pub title: String,
    pub body: String,
    pub topic: String,
    pub keywords: Vec<String>,
}

pub struct TextGen {
    topics: Zipf,
}

impl Default for TextGen {
    fn default() -> TextGen {
        TextGen::new()
    }
}

impl TextGen {
    pub fn new() -> TextGen {
        TextGen {
            topics: Zipf::new(TOPICS.len()),
        }
    }

    pub fn topic(&self, rng: &mut StdRng) -> &'static str {
        TOPICS[self.topics.draw(rng)]
    }

    /// One item of `issuer` (an agency's short name) in `year`; `place` is
    /// the agency's area (for village names and the like).
    pub fn item(&self, rng: &mut StdRng, issuer: &str, place: &str, year: i32) -> Item {
        let topic = self.topic(rng);
        let other = self.topic(rng);
        let title = match rng.gen_range(0..9) {
            0 => format!("{issuer}关于印发《{topic}{}》的通知", pick(rng, PLANS)),
            1 => format!("{issuer}关于做好{year}年{topic}工作的通知"),
            2 => format!("{issuer}关于开展{topic}{}的通知", pick(rng, ACTIONS)),
            3 => format!("{issuer}关于{year}年{topic}{}的公示", pick(rng, NOTICES)),
            4 => format!("{issuer}{year}年{topic}工作总结"),
            5 => format!("{issuer}关于进一步加强{topic}工作的意见"),
            6 => format!("关于{place}{topic}项目的公告"),
            7 => format!("{issuer}关于公布{topic}{}的通告", pick(rng, LISTS)),
            _ => format!("{issuer}{year}年{topic}和{other}工作要点"),
        };
        let sentences = rng.gen_range(6..14);
        let mut paragraphs: Vec<String> = Vec::new();
        let mut current = String::new();
        for i in 0..sentences {
            let t = if i % 3 == 0 { topic } else { self.topic(rng) };
            current.push_str(&self.sentence(rng, t, place, year));
            if rng.gen_range(0..4) == 0 || i + 1 == sentences {
                paragraphs.push(format!("<p>{current}</p>"));
                current.clear();
            }
        }
        Item {
            title,
            body: paragraphs.concat(),
            topic: topic.to_string(),
            keywords: vec![topic.to_string(), other.to_string()],
        }
    }

    fn sentence(&self, rng: &mut StdRng, topic: &str, place: &str, year: i32) -> String {
        let month = rng.gen_range(1..=12);
        let day = rng.gen_range(1..=28);
        match rng.gen_range(0..12) {
            0 => format!(
                "为深入贯彻落实{}，进一步做好{topic}工作，结合{place}实际，制定本{}。",
                pick(rng, POLICIES),
                pick(rng, PLANS)
            ),
            1 => format!("{place}各有关单位要高度重视{topic}工作，切实加强组织领导，明确责任分工，确保各项任务落到实处。"),
            2 => format!(
                "本次{}自{year}年{month}月{day}日起开展，重点检查{topic}等方面存在的突出问题。",
                pick(rng, ACTIONS)
            ),
            3 => format!(
                "截至{year}年{month}月底，累计完成{topic}项目{}个，投入资金{}万元。",
                rng.gen_range(2..300),
                rng.gen_range(10..50_000)
            ),
            4 => format!(
                "对发现的问题要建立台账、限期整改，整改情况于{year}年{month}月{day}日前报送{}。",
                pick(rng, DEPARTMENTS)
            ),
            5 => {
                let village = format!(
                    "{}{}",
                    PLACE_CHARS[rng.gen_range(0..PLACE_CHARS.len())],
                    PLACE_CHARS[rng.gen_range(0..PLACE_CHARS.len())]
                );
                format!("{village}村{topic}项目已通过验收，现予以公示，公示期为{}个工作日。", rng.gen_range(5..16))
            }
            6 => format!("各单位要坚持以人民为中心的发展思想，统筹发展和安全，推动{topic}工作取得实效。"),
            7 => format!("本{}自印发之日起施行，有效期{}年。", pick(rng, PLANS), rng.gen_range(2..6)),
            8 => format!(
                "如对公示内容有异议，请在公示期内以书面形式向{place}{}反映。",
                pick(rng, DEPARTMENTS)
            ),
            9 => format!(
                "{}年，将继续围绕{topic}等重点领域，加大工作力度，不断提升群众满意度。",
                year + 1
            ),
            10 => format!("联系人：{}，联系单位：{place}{}。", person(rng), pick(rng, DEPARTMENTS)),
            _ => format!("{topic}工作纳入年度目标责任考核，考核结果作为评先树优的重要依据。"),
        }
    }

    /// What an applicant asks for.
    pub fn request(&self, rng: &mut StdRng, place: &str, year: i32) -> String {
        format!(
            "申请公开{place}{year}年{}{}",
            self.topic(rng),
            pick(rng, REQUEST_OBJECTS)
        )
    }
}
