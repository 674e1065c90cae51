// Package fakedata makes up the people fixtures generate, in the style of
// the platforms' Russian-speaking users. gofakeit picks every value, from
// the fixture's seed, so a fixture always gives the same people; its own
// generators speak English, hence these lists.
package fakedata

import "github.com/brianvoe/gofakeit/v6"

var (
	firstNames = []string{"Иван", "Пётр", "Алексей", "Дмитрий", "Сергей", "Андрей", "Михаил", "Никита", "Ольга", "Анна", "Мария", "Елена", "Татьяна", "Наталья", "Ирина", "Светлана", "Василий", "Екатерина", "Юлия", "Артём"}
	lastNames  = []string{"Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров"}
	cities     = []string{"Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург", "Нижний Новгород", "Самара", "Краснодар"}
	streets    = []string{"Пушкина", "Ленина", "Гагарина", "Мира", "Садовая", "Тверская", "Лесная", "Школьная"}
)

// Person is a first and a last name, the surname agreeing with a feminine
// first name.
func Person(f *gofakeit.Faker) (first, last string) {
	first, last = f.RandomString(firstNames), f.RandomString(lastNames)
	if r := []rune(first); r[len(r)-1] == 'а' || r[len(r)-1] == 'я' {
		last += "а"
	}
	return first, last
}

// Name is "First Last".
func Name(f *gofakeit.Faker) string {
	first, last := Person(f)
	return first + " " + last
}

// FirstName is a first name alone.
func FirstName(f *gofakeit.Faker) string { return f.RandomString(firstNames) }

// Phone is a Russian mobile number as the platforms store it: digits only.
func Phone(f *gofakeit.Faker) string { return "79" + f.Numerify("#########") }

// City is a Russian city.
func City(f *gofakeit.Faker) string { return f.RandomString(cities) }

// Address is a street address in a Russian city.
func Address(f *gofakeit.Faker) string {
	return "г. " + City(f) + ", ул. " + f.RandomString(streets) + ", д. " + f.Numerify("#")
}
