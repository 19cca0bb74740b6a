package names

import (
	"strings"
	"sync"
)

// pinyinSyllableList lists the syllables of Hanyu Pinyin without tones
// ("v" for ü). Chinese given names are written as two syllables joined
// ("Xiaoming"), and two such names differ when a syllable differs, however
// alike the letters: Xiao-ming is not Xiao-hong.
const pinyinSyllableList = `a ai an ang ao
ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu
ca cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo
da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo
e ei en eng er
fa fan fang fei fen feng fo fou fu
ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo
ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo
ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun
ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo
la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu long lou lu lv luan lue lve lun luo
ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu
na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nv nuan nue nve nuo
o ou
pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu
qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun
ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo
sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo
ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo
wa wai wan wang wei wen weng wo wu
xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun
ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun
za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo`

// pinyinSyllables is the set of pinyin syllables. Built once, read-only.
var pinyinSyllables = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Fields(pinyinSyllableList) {
		m[s] = true
	}
	return m
})

// maxPinyinSyllable is the length of the longest pinyin syllable.
const maxPinyinSyllable = 6

// pinyinSplit splits a token into pinyin syllables, longest syllable first
// with backtracking, into dst; ok is false when the token is not a run of
// pinyin syllables. Syllables starting with a vowel do not follow another
// syllable (pinyin writes an apostrophe there: "Xi'an"), so "xiaoming" is
// xiao+ming, not xi+ao+ming.
func pinyinSplit(t string, dst []string) ([]string, bool) {
	if t == "" {
		return dst, true
	}
	set := pinyinSyllables()
	for l := min(maxPinyinSyllable, len(t)); l >= 1; l-- {
		syl := t[:l]
		if !set[syl] {
			continue
		}
		if len(dst) > 0 && isVowel(syl[0]) {
			continue
		}
		if out, ok := pinyinSplit(t[l:], append(dst, syl)); ok {
			return out, true
		}
	}
	return dst[:len(dst):len(dst)], false
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'v':
		return true
	}
	return false
}

// pinyinConflict reports whether two different tokens are both names of
// two or three pinyin syllables that differ in a syllable beyond a letter
// ("xiaoming" and "xiaohong": ming is not hong). A letter added, dropped or
// changed inside a syllable of the same initial ("xiaoming", "xiaomin") is
// a spelling variant, not a conflict; tokens that are not pinyin never
// conflict.
func pinyinConflict(a, b string) bool {
	if a == b || len(a) < 4 || len(b) < 4 {
		return false
	}
	var bufA, bufB [4]string
	sa, okA := pinyinSplit(a, bufA[:0])
	if !okA || len(sa) < 2 || len(sa) > 3 {
		return false
	}
	sb, okB := pinyinSplit(b, bufB[:0])
	if !okB || len(sb) != len(sa) {
		return false
	}
	for i := range sa {
		x, y := sa[i], sb[i]
		if x == y {
			continue
		}
		if x[0] != y[0] || osa(x, y, 1) > 1 {
			return true
		}
	}
	return false
}

// chineseSurnames are common Chinese family names in pinyin. Built once,
// read-only.
var chineseSurnames = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Fields(`wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin
		luo zheng liang xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye
		cheng wei su lu ding ren shen yao cui zhong tan fan jin shi liao jia xia fu fang zou xiong bai meng
		qin qiu hou yin xue yan duan lei long tao mao hao gu gong shao wan qian dai mo kong xiang chang ou
		lv niu kang hong zhan ning bao ji mei sheng lan geng yi guan wen qi`) {
		m[s] = true
	}
	return m
})

// markPinyin sets Token.Pinyin on the words of a name that reads as a
// Chinese personal name: two to four words, each a run of one to three
// pinyin syllables, the first or the last a common Chinese family name.
func markPinyin(ts []Token) {
	if len(ts) < 2 || len(ts) > 4 {
		return
	}
	var buf [4]string
	for i := range ts {
		t := &ts[i]
		if t.Class != ClassWord || len(t.Alts) > 0 || t.Syllable {
			return
		}
		sy, ok := pinyinSplit(t.Text, buf[:0])
		if !ok || len(sy) > 3 {
			return
		}
	}
	sn := chineseSurnames()
	if !sn[ts[0].Text] && !sn[ts[len(ts)-1].Text] {
		return
	}
	for i := range ts {
		ts[i].Pinyin = true
	}
}
